package dev.remotemedia.telemetry;

import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Metrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClientBuilder;

import java.net.URI;
import java.util.Map;
import java.util.function.Consumer;

/**
 * CloudWatch export (micrometer-registry-cloudwatch2 on the AWS SDK v2 async client, default
 * credential chain): when enabled, a CloudWatch registry joins the global registry, so every
 * meter of the catalogue is published every {@code step-s}.
 */
@ApplicationScoped
public class CloudWatchExport {
    private static final Logger LOG = Logger.getLogger(CloudWatchExport.class);

    @Inject
    TelemetryConfig config;

    private CloudWatchMeterRegistry registry;

    void start(@Observes StartupEvent event) {
        var cw = config.cloudwatch();
        if (!cw.enabled()) return;
        registry = create(cw, b -> { });
        Metrics.globalRegistry.add(registry);
        LOG.infof("CloudWatch metrics on: namespace %s, every %d s", cw.namespace(), cw.stepS());
    }

    void stop(@Observes ShutdownEvent event) {
        if (registry != null) {
            Metrics.globalRegistry.remove(registry);
            registry.close(); // publishes what is pending
        }
    }

    /** Builds the registry; {@code customizer} adjusts the client (credentials in tests). */
    public static CloudWatchMeterRegistry create(TelemetryConfig.CloudWatch cw, Consumer<CloudWatchAsyncClientBuilder> customizer) {
        Map<String, String> values = Map.of(
                "cloudwatch.namespace", cw.namespace(),
                "cloudwatch.step", cw.stepS() + "s",
                "cloudwatch.batchSize", Integer.toString(cw.batchSize()));
        CloudWatchConfig cfg = values::get;
        CloudWatchAsyncClientBuilder b = CloudWatchAsyncClient.builder();
        cw.region().ifPresent(r -> b.region(Region.of(r)));
        cw.endpointOverride().ifPresent(e -> b.endpointOverride(URI.create(e)));
        customizer.accept(b);
        CloudWatchMeterRegistry registry = new CloudWatchMeterRegistry(cfg, Clock.SYSTEM, b.build());
        cw.service().ifPresent(s -> registry.config().commonTags("service", s)); // what autoscaling policies select on
        return registry;
    }
}
