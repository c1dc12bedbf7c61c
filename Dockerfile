# zhie REST service, CPU only.  See README.md, section "Service", for building and running.
#
#   docker build -t zhie .                                          # packages from pip's default index
#   docker build --build-arg EXTRA_INDEX_URL=<index URL> -t zhie .  # also look in another index
#                                                                   # (e.g. one with CPU-only torch wheels)
#   docker run --rm -p 8000:8000 zhie
FROM python:3.11-slim

# an optional extra package index; empty = pip's default index only
ARG EXTRA_INDEX_URL=""

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# the code and its dependencies (the model is copied last: retraining does not reinstall packages)
COPY pyproject.toml README.md ./
COPY zhie ./zhie
COPY service ./service
COPY training ./training
RUN if [ -n "$EXTRA_INDEX_URL" ]; then \
        pip install --extra-index-url "$EXTRA_INDEX_URL" . ; \
    else \
        pip install . ; \
    fi

COPY models/zhie-ner-small ./models/zhie-ner-small

RUN useradd --create-home zhie
USER zhie

# every setting can be changed with docker run -e ZHIE_...=... (README, "Service")
ENV ZHIE_MODEL=/app/models/zhie-ner-small \
    ZHIE_HOST=0.0.0.0 \
    ZHIE_PORT=8000 \
    ZHIE_WORKERS=1

EXPOSE 8000

# liveness from inside the container; orchestrators should use GET /ready for readiness
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('ZHIE_PORT', '8000'), timeout=4)"

CMD ["zhie", "serve"]
