package dev.remotemedia.cli;

import dev.remotemedia.manifest.ManifestException;

import java.nio.file.NoSuchFileException;

/** One-line causes for user errors: no stack traces unless --debug. */
final class CliErrors {
    private CliErrors() {}

    static String oneLine(Throwable e) {
        if (e instanceof ManifestException m) return m.getMessage();
        if (e instanceof NoSuchFileException f) return "file not found: " + f.getFile();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) root = root.getCause();
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
