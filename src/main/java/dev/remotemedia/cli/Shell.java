package dev.remotemedia.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external tools (docker/podman, terraform, aws) for the deploy commands, or only prints them with --dry-run. */
final class Shell {
    private final PrintWriter out;
    private final boolean dryRun;
    private final Path workdir;

    Shell(PrintWriter out, boolean dryRun, Path workdir) {
        this.out = out;
        this.dryRun = dryRun;
        this.workdir = workdir;
    }

    /** Runs a command with inherited I/O; throws with the exit code when it fails. */
    void run(List<String> command) throws IOException, InterruptedException {
        out.println((dryRun ? "would run: " : "+ ") + quote(command));
        out.flush();
        if (dryRun) return;
        Process p = new ProcessBuilder(command).directory(workdir.toFile()).inheritIO().start();
        int code = p.waitFor();
        if (code != 0) throw new IllegalStateException(command.get(0) + " exited with " + code);
    }

    /** Runs a command and returns its standard output (used even in dry-run: it only reads). */
    String capture(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(workdir.toFile()).redirectErrorStream(false).start();
        String text = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + ")");
        }
        return text;
    }

    /** The first of the candidates found on PATH, or null. */
    static String which(String... candidates) {
        for (String c : candidates) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (java.nio.file.Files.isExecutable(Path.of(dir, c))) return c;
            }
        }
        return null;
    }

    static String quote(List<String> command) {
        List<String> parts = new ArrayList<>();
        for (String s : command) parts.add(s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'");
        return String.join(" ", parts);
    }
}
