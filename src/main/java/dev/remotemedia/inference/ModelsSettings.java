package dev.remotemedia.inference;

import java.util.Optional;

/**
 * {@link ModelsConfig} for code that runs without Quarkus config (CLI, tests, nodes created outside
 * the server): `remotemedia.models.*` system properties, else REMOTEMEDIA_MODELS_* variables, else the
 * same defaults.
 */
record ModelsSettings(String cacheDir, boolean autoPull, Optional<String> s3Endpoint, String device, Optional<String> catalog)
        implements ModelsConfig {
    static ModelsSettings fromEnvironment() {
        return new ModelsSettings(setting("cache-dir", System.getProperty("user.home") + "/.cache/remotemedia/models"),
                Boolean.parseBoolean(setting("auto-pull", "false")), optional("s3-endpoint"), setting("device", "auto"), optional("catalog"));
    }

    private static Optional<String> optional(String name) {
        return Optional.ofNullable(setting(name, null)).filter(s -> !s.isBlank());
    }

    private static String setting(String name, String fallback) {
        String prop = System.getProperty("remotemedia.models." + name);
        if (prop != null) return prop;
        String env = System.getenv("REMOTEMEDIA_MODELS_" + name.toUpperCase().replace('-', '_'));
        return env != null ? env : fallback;
    }
}
