package dev.remotemedia.inference;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** `remotemedia.models.*`: where heavy models come from and where they run. */
@ConfigMapping(prefix = "remotemedia.models")
public interface ModelsConfig {
    /** Folder that fetched models are cached in (one sub-folder per model). */
    @WithDefault("${user.home}/.cache/remotemedia/models")
    String cacheDir();

    /** Fetch a catalogue model named by a manifest on first use instead of failing with the pull command. */
    @WithDefault("false")
    boolean autoPull();

    /** S3-compatible endpoint for s3:// models (path-style); empty = AWS. */
    Optional<String> s3Endpoint();

    /** A catalogue file of your own (format of the bundled models/catalog.json): mirrors, pinned sha256s, more models. */
    Optional<String> catalog();

    /** Where ONNX models run when a node does not say: auto (CUDA when present, else CPU), cuda or cpu. */
    @WithDefault("auto")
    String device();
}
