package dev.remotemedia.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Turns manifest text (JSON or YAML, detected by content) into a JSON tree; syntax errors name line and column. */
public final class ManifestParser {
    // Manifests come from clients (inline, manifest_url): bound what a parse may cost, explicitly
    // rather than by library defaults — alias bombs, deep nesting, endless numbers and strings.
    static final int MAX_DEPTH = 64, MAX_ALIASES = 20, MAX_NUMBER_DIGITS = 64, MAX_CHARS = 1_000_000;
    private static final com.fasterxml.jackson.core.StreamReadConstraints LIMITS = com.fasterxml.jackson.core.StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH).maxNumberLength(MAX_NUMBER_DIGITS).maxStringLength(MAX_CHARS).build();
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder().streamReadConstraints(LIMITS).build());
    private static final ObjectMapper YAML = new ObjectMapper(yaml());

    private static YAMLFactory yaml() {
        var loader = new org.yaml.snakeyaml.LoaderOptions();
        loader.setMaxAliasesForCollections(MAX_ALIASES);
        loader.setNestingDepthLimit(MAX_DEPTH);
        loader.setCodePointLimit(MAX_CHARS);
        loader.setAllowDuplicateKeys(false);
        return YAMLFactory.builder().loaderOptions(loader).streamReadConstraints(LIMITS).build();
    }

    private ManifestParser() {}

    public static JsonNode parse(String text, String source) {
        if (text.length() > MAX_CHARS) {
            throw new ManifestException(source, List.of("(root): " + text.length() + " characters; a manifest may have at most " + MAX_CHARS));
        }
        String trimmed = text.stripLeading();
        boolean json = trimmed.startsWith("{") || trimmed.startsWith("[");
        try {
            JsonNode tree = (json ? JSON : YAML).readTree(text);
            if (tree == null || tree.isMissingNode()) {
                throw new ManifestException(source, List.of("(root): the file is empty"));
            }
            return tree;
        } catch (org.yaml.snakeyaml.error.YAMLException e) { // the YAML loader's own limits (aliases, depth, size)
            throw new ManifestException(source, List.of("(root): not valid YAML: " + e.getMessage()));
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw new ManifestException(source, List.of("(root): too large or too deep: " + e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new ManifestException(source, List.of("(root): not valid " + (json ? "JSON" : "YAML") + where + ": "
                    + e.getOriginalMessage()));
        }
    }

    public static JsonNode read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new ManifestException(file.toString(), List.of("(file): cannot read: " + e.getMessage()));
        }
    }
}
