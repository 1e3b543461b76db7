package dev.remotemedia.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** External tools the tests use. A missing tool fails the test with the install line: never a silent skip. */
public final class Tools {
    private Tools() {}

    public static void require(String command, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) return;
        }
        throw new AssertionError(command + " is not installed; run bin/test (it installs test tools) or: "
                + "sudo apt-get install -y " + debianPackage);
    }

    /** Runs a command, failing with its output when it exits non-zero. */
    /**
     * What the real-browser tests need — Debian's chromium, unshare and ip for the private network
     * namespace, node with playwright-core, and the packaged app — failing with the install line.
     * Returns the packaged app's jar.
     */
    public static Path requireBrowserTest() {
        require("chromium", "chromium");
        require("unshare", "util-linux");
        require("ip", "iproute2");
        require("node", "nodejs");
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) throw new AssertionError("package the app first (./mvnw verify does)");
        if (!Files.isDirectory(Path.of("src/test/browser/node_modules/playwright-core"))) {
            throw new AssertionError("playwright-core is not installed; run bin/test (it runs npm ci in src/test/browser)");
        }
        return jar;
    }

    public static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static List<String> list(String... parts) {
        return new ArrayList<>(List.of(parts));
    }
}
