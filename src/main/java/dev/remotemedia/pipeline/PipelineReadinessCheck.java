package dev.remotemedia.pipeline;

import dev.remotemedia.manifest.ManifestException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.nio.file.Path;

/** Ready when node types are registered and the configured default manifest (if any) validates. */
@Readiness
@ApplicationScoped
public class PipelineReadinessCheck implements HealthCheck {
    @Inject
    PipelineEngine engine;

    @Inject
    PipelineConfig config;

    @Override
    public HealthCheckResponse call() {
        var r = HealthCheckResponse.named("pipeline")
                .withData("role", config.role())
                .withData("node_types", String.join(",", engine.registry().typeNames()));
        if (engine.registry().typeNames().isEmpty()) return r.down().withData("reason", "no node types on the classpath").build();
        var manifest = config.pipeline().manifest();
        if (manifest.isPresent()) {
            try {
                engine.load(Path.of(manifest.get()));
                r.withData("manifest", manifest.get());
            } catch (ManifestException e) {
                return r.down().withData("manifest", manifest.get()).withData("reason", e.errors().get(0)).build();
            }
        }
        return r.up().build();
    }
}
