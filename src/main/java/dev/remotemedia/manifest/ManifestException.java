package dev.remotemedia.manifest;

import java.util.List;

/** A manifest that cannot be used; {@link #errors()} lists every problem, each naming its place. */
public final class ManifestException extends RuntimeException {
    private final String source;
    private final List<String> errors;

    public ManifestException(String source, List<String> errors) {
        super(source + ": " + errors.size() + " error(s):\n  " + String.join("\n  ", errors));
        this.source = source;
        this.errors = List.copyOf(errors);
    }

    public String source() { return source; }

    public List<String> errors() { return errors; }
}
