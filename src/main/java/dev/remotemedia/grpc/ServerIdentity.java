package dev.remotemedia.grpc;

import java.lang.management.ManagementFactory;

/** A stable id for this process in results and logs: host name and pid (e.g. "ip-10-0-1-7/4242"). */
public final class ServerIdentity {
    private static final String ID = compute();

    private ServerIdentity() {}

    public static String id() { return ID; }

    private static String compute() {
        String env = System.getenv("REMOTEMEDIA_SERVER_ID");
        if (env != null && !env.isBlank()) return env;
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return host + "/" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
