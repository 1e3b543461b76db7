package dev.remotemedia.telemetry;

import org.jboss.logging.MDC;

/**
 * Session and segment ids in the logging MDC (they appear as fields of the JSON logs), set around
 * one log statement: media work hops between pooled threads, so ids are never left behind.
 */
public final class LogContext {
    private LogContext() {}

    public static void run(String session, int segment, Runnable log) {
        MDC.put("session", session);
        if (segment > 0) MDC.put("segment", Integer.toString(segment));
        try {
            log.run();
        } finally {
            MDC.remove("session");
            MDC.remove("segment");
        }
    }
}
