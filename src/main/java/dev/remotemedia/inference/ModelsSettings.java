package dev.remotemedia.inference;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Model settings for code that runs without Quarkus config (CLI, tests, nodes created outside the
 * server): `remotemedia.models.*` system properties, else REMOTEMEDIA_MODELS_* variables, else defaults
 * matching {@link ModelsConfig}.
 */
record ModelsSettings(Path cacheDir, boolean autoPull, Optional<String> s3Endpoint, String device, Optional<Path> catalog) {
    static ModelsSettings fromEnvironment() {
        String cache = setting("cache-dir", System.getProperty("user.home") + "/.cache/remotemedia/models");
        return new ModelsSettings(Path.of(cache), Boolean.parseBoolean(setting("auto-pull", "false")),
                Optional.ofNullable(setting("s3-endpoint", null)).filter(s -> !s.isBlank()), setting("device", "auto"),
                Optional.ofNullable(setting("catalog", null)).filter(s -> !s.isBlank()).map(Path::of));
    }

    private static String setting(String name, String fallback) {
        String prop = System.getProperty("remotemedia.models." + name);
        if (prop != null) return prop;
        String env = System.getenv("REMOTEMEDIA_MODELS_" + name.toUpperCase().replace('-', '_'));
        return env != null ? env : fallback;
    }
}
