package dev.remotemedia;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

/** The long-running server started by `serve`: waits until SIGTERM/SIGINT. */
public final class ServeApplication implements QuarkusApplication {
    @Override
    public int run(String... args) {
        Quarkus.waitForExit();
        return 0;
    }
}
