package dev.remotemedia.manifest;

import dev.remotemedia.pipeline.PipelineEngine;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every file in manifests/ is a valid example. */
class ExampleManifestsTest {
    @Test
    void everyExampleManifestValidates() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("manifests"))) {
            files = s.filter(p -> p.toString().matches(".*\\.(json|ya?ml)$")).sorted().toList();
        }
        assertTrue(files.size() >= 1, "manifests/ holds examples");
        List<String> failures = new ArrayList<>();
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            for (Path f : files) {
                try {
                    engine.load(f);
                } catch (ManifestException e) {
                    failures.add(e.getMessage());
                }
            }
        }
        assertEquals(List.of(), failures);
    }
}
