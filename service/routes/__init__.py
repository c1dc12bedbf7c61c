"""The service's endpoints, one module per group; each builds an ``APIRouter`` from the settings
(which decide the auth dependencies and documented errors) and reads the runtime from ``app.state``
(``service/deps.py``).  The review loop (``service/review.py``, ``review_page.py``) and model
reloading (``service/admin.py``) live beside them."""
