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
        return Map.of("quarkus.grpc.server.test-port", Integer.toString(freePort()));
    }

    @Override
    public void stop() {}
}
