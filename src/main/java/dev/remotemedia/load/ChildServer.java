package dev.remotemedia.load;

import dev.remotemedia.bench.ProcessStats;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One instance of this app as a child process on loopback (a remote worker, or the local role for
 * WebRTC runs), on fixed ports so it can be SIGKILLed and restarted at the same address. A fleet's
 * workers bind one address each (127.0.0.2, 127.0.0.3, …) and share one port, like ECS tasks.
 */
public final class ChildServer {
    public final String name;
    public final String host;
    public final int httpPort;
    public final int grpcPort;
    private final List<String> properties;
    private final Path log;
    private Process process;

    public ChildServer(String name, Path workDir, List<String> properties) throws IOException {
        this(name, workDir, "127.0.0.1", ProcessStats.freePort(), ProcessStats.freePort(), properties);
    }

    /** Bound to {@code host} only (both ports), so several children can share the ports on different loopback addresses. */
    public ChildServer(String name, Path workDir, String host, int httpPort, int grpcPort, List<String> properties) {
        this.name = name;
        this.host = host;
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
        this.properties = properties;
        this.log = workDir.resolve(name + ".log");
    }

    public String grpcAddress() { return host + ":" + grpcPort; }

    public void start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-XX:+UseSerialGC",
                "-Dquarkus.http.host=" + host, "-Dquarkus.grpc.server.host=" + host,
                "-Dquarkus.http.port=" + httpPort, "-Dquarkus.grpc.server.port=" + grpcPort,
                "-Dquarkus.log.console.json.enabled=false", "-Dquarkus.otel.sdk.disabled=true",
                "-Dremotemedia.webrtc.drain-timeout-ms=5000")); // a later -D in properties overrides
        cmd.addAll(properties);
        cmd.addAll(List.of("-jar", jar().toString(), "serve"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Waits until the gRPC port accepts connections. */
    public void awaitUp(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException(name + " exited; see " + log);
            try (Socket s = new Socket(host, grpcPort)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(name + " did not start in " + timeoutMs + " ms; see " + log);
    }

    /** SIGKILL: no drain, connections reset — a crashed worker. */
    public void kill() {
        if (process != null) process.destroyForcibly();
    }

    /** SIGTERM without waiting: what ECS or Kubernetes sends before a task stops. */
    public void terminate() {
        if (process != null) process.destroy();
    }

    /** Waits for the process to exit; its exit code, or -1 if still running after {@code timeoutMs}. */
    public int awaitExit(long timeoutMs) throws InterruptedException {
        if (process == null) return -1;
        return process.waitFor(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    public Path log() { return log; }

    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public long pid() { return process == null ? -1 : process.pid(); }

    public boolean alive() { return process != null && process.isAlive(); }

    /**
     * A hosts file for {@code -Djdk.net.hosts.file} resolving {@code name} to {@code ips} (and
     * localhost), replaced atomically so a JVM re-reading it never sees half a file.
     */
    public static void writeHosts(Path file, String name, List<String> ips) throws IOException {
        StringBuilder b = new StringBuilder("127.0.0.1 localhost\n");
        for (String ip : ips) b.append(ip).append(' ').append(name).append('\n');
        Path tmp = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), b.toString());
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public static Path jar() {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " not found: build first (./mvnw package -DskipTests)");
        return jar;
    }
}
