package dev.remotemedia.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

/** Hands the server's OpenTelemetry (Quarkus-configured: exporter, propagators) to the non-CDI pipeline code. */
@ApplicationScoped
public class TelemetrySetup {
    void start(@Observes StartupEvent event, Instance<OpenTelemetry> otel) {
        if (otel.isResolvable()) Telemetry.install(otel.get());
    }
}
