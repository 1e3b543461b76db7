package dev.remotemedia;

import dev.remotemedia.cli.RemoteMediaCommand;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of `bin/remotemedia` and `java -jar quarkus-run.jar`. Only `serve` (the default)
 * boots Quarkus; the other commands run plain picocli so they bind no ports and answer in seconds.
 */
@QuarkusMain
public final class Main {
    private Main() {}

    /**
     * dns:/// endpoints re-resolve every few seconds; the JVM's own cache keeps answers 30 s by
     * default, which would hide new and departed workers. Unless the user chose a TTL, keep 5 s.
     */
    static void dnsCacheFollowsDiscovery() {
        if (java.security.Security.getProperty("networkaddress.cache.ttl") == null && System.getProperty("sun.net.inetaddr.ttl") == null) {
            java.security.Security.setProperty("networkaddress.cache.ttl", "5");
        }
    }

    public static void main(String... args) {
        dnsCacheFollowsDiscovery();
        int code = RemoteMediaCommand.execute(args);
        if (code != RemoteMediaCommand.SERVED) System.exit(code);
    }
}
