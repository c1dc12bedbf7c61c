"""The model folder: one typed config (``pipeline.json``) builds every stage, a separate card
(``meta.json``, README.md) describes the model; fingerprints for batch runs; the upgrade of
0.2.0-layout folders.
"""
from .config import CONFIG_FILE, LinkerConfig, ModelConfig, ScorerConfig, TaggerConfig, WindowConfig
from .folder import ModelFolder, ModelFolderError, load_model

__all__ = ["CONFIG_FILE", "LinkerConfig", "ModelConfig", "ModelFolder", "ModelFolderError", "ScorerConfig",
           "TaggerConfig", "WindowConfig", "load_model"]
