package dev.remotemedia.webrtc;

import dev.remotemedia.pipeline.PipelineConfig;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.regex.Pattern;

/**
 * The edge (WHIP and the page) belongs to the local role. A gpu worker answers those paths with a
 * 404 that names its role, so a browser or WHIP client pointed at a worker learns why at once;
 * health, metrics and the REST API stay on.
 */
@ApplicationScoped
public class EdgeRoutes {
    private static final Logger LOG = Logger.getLogger(EdgeRoutes.class);
    /** The page, its assets and WHIP. */
    private static final Pattern EDGE = Pattern.compile("/(|index\\.html|app\\.js|style\\.css|favicon\\.svg|whip(/.*)?)");

    static boolean enabled(WebRtcConfig webrtc, PipelineConfig pipeline) {
        return webrtc.enabled().orElse(!"gpu".equals(pipeline.role()));
    }

    void install(@Observes Router router, WebRtcConfig webrtc, PipelineConfig config) {
        if (!enabled(webrtc, config)) {
            router.route().order(Integer.MIN_VALUE).handler(ctx -> {
                if (!EDGE.matcher(ctx.normalizedPath()).matches()) {
                    ctx.next();
                    return;
                }
                ctx.response().setStatusCode(404).putHeader("Content-Type", "text/plain")
                        .end("this instance runs the " + config.role() + " role: WHIP and the page are served by local-role instances"
                                + " (remotemedia.role=local); this one serves gRPC PipelineService on its gRPC port\n");
            });
        }
    }

    void log(@Observes StartupEvent event, WebRtcConfig webrtc, PipelineConfig config) {
        LOG.infof("role %s: WHIP and the page %s", config.role(), enabled(webrtc, config) ? "on" : "off (404)");
    }
}
