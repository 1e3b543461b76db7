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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ManifestParser() {}

    public static JsonNode parse(String text, String source) {
        String trimmed = text.stripLeading();
        boolean json = trimmed.startsWith("{") || trimmed.startsWith("[");
        try {
            JsonNode tree = (json ? JSON : YAML).readTree(text);
            if (tree == null || tree.isMissingNode()) {
                throw new ManifestException(source, List.of("(root): the file is empty"));
            }
            return tree;
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
