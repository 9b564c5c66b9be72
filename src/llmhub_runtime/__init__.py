"""Call LLMs by role, as configured in a generated `llmhub.yaml`.

    from llmhub_runtime import LLMHub

    hub = LLMHub(config_path="llmhub.yaml")
    reply = hub.completion(role="llm.inference", messages=[{"role": "user", "content": "Hello"}])

Importing this package is cheap: any-llm and the provider SDKs load on the first call.
"""

from ._version import __version__
from .config_loader import dump_config, find_config_path, load_config, parse_config, save_config
from .errors import (
    AllAttemptsFailedError,
    AuthenticationError,
    BadRequestError,
    BudgetExceededError,
    ConfigError,
    EnvVarMissingError,
    IncompleteStreamError,
    InvalidCallError,
    LLMHubError,
    MissingDependencyError,
    ModelNotFoundError,
    ModeMismatchError,
    ProviderError,
    ProviderUnavailableError,
    QuotaExceededError,
    RateLimitError,
    UnknownProviderError,
    UnknownRoleError,
)
from .hub import LLMHub
from .models import (
    BudgetConfig,
    CacheConfig,
    CircuitBreakerConfig,
    FallbackConfig,
    LLMMode,
    PricingConfig,
    ProjectBudgetConfig,
    ProviderConfig,
    ResilienceConfig,
    RoleCacheConfig,
    RoleConfig,
    RoleDefaultsConfig,
    RuntimeConfig,
    VariantConfig,
)
from .resolver import ResolvedCall, ResolvedTarget, merge_params, resolve

__all__ = [
    "AllAttemptsFailedError",
    "AuthenticationError",
    "BadRequestError",
    "BudgetConfig",
    "BudgetExceededError",
    "CacheConfig",
    "CircuitBreakerConfig",
    "ConfigError",
    "EnvVarMissingError",
    "FallbackConfig",
    "IncompleteStreamError",
    "InvalidCallError",
    "LLMHub",
    "LLMHubError",
    "LLMMode",
    "MissingDependencyError",
    "ModeMismatchError",
    "ModelNotFoundError",
    "PricingConfig",
    "ProjectBudgetConfig",
    "ProviderConfig",
    "ProviderError",
    "ProviderUnavailableError",
    "QuotaExceededError",
    "RateLimitError",
    "ResilienceConfig",
    "ResolvedCall",
    "ResolvedTarget",
    "RoleCacheConfig",
    "RoleConfig",
    "RoleDefaultsConfig",
    "RuntimeConfig",
    "UnknownProviderError",
    "UnknownRoleError",
    "VariantConfig",
    "__version__",
    "dump_config",
    "find_config_path",
    "load_config",
    "merge_params",
    "parse_config",
    "resolve",
    "save_config",
]
