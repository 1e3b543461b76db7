package dev.remotemedia.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

/** Gives the app under test a free gRPC port (the separate gRPC server cannot report a port-0 bind). */
public class FreeGrpcPort implements QuarkusTestResourceLifecycleManager {
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> start() {
        int port = freePort();
        // the dev-local pipeline sends segments to this same app: point it at the test port, with the test token
        return Map.of("quarkus.grpc.server.test-port", Integer.toString(port),
                "REMOTEMEDIA_REMOTE", "127.0.0.1:" + port,
                "REMOTEMEDIA_API_TOKEN", "test-token-abc");
    }

    @Override
    public void stop() {}
}
