package dev.remotemedia.manifest;

import io.smallrye.mutiny.Uni;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the manifest a session asks for: inline JSON, a named pipeline from the allow-listed
 * directory (never an arbitrary path), or a URL (through {@link ManifestFetcher}).
 */
public final class ManifestResolver {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private final BiFunction<String, String, Manifest> parser;
    private final Path pipelinesDir;
    private final ManifestFetcher fetcher;

    /** @param parser text + source name → validated manifest (e.g. {@code engine::parse}) */
    public ManifestResolver(BiFunction<String, String, Manifest> parser, Path pipelinesDir, ManifestFetcher fetcher) {
        this.parser = parser;
        this.pipelinesDir = pipelinesDir;
        this.fetcher = fetcher;
    }

    public Manifest inline(String json) {
        return parser.apply(json, "inline manifest");
    }

    public Manifest named(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new ManifestException("pipeline \"" + name + "\"", List.of("pipeline: names are [A-Za-z0-9_-]+ (no paths)"));
        }
        for (String ext : List.of(".json", ".yaml", ".yml")) {
            Path file = pipelinesDir.resolve(name + ext);
            if (Files.isRegularFile(file)) {
                try {
                    return parser.apply(Files.readString(file), file.toString());
                } catch (IOException e) {
                    throw new ManifestException(file.toString(), List.of("(file): cannot read: " + e.getMessage()));
                }
            }
        }
        for (String ext : List.of(".json", ".yaml", ".yml")) {
            try (var in = ManifestResolver.class.getClassLoader().getResourceAsStream("manifests/" + name + ext)) {
                if (in != null) return parser.apply(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "classpath:manifests/" + name + ext);
            } catch (IOException e) {
                throw new ManifestException("classpath:manifests/" + name + ext, List.of("(file): cannot read: " + e.getMessage()));
            }
        }
        throw new ManifestException("pipeline \"" + name + "\"", List.of("pipeline: no pipeline named \"" + name + "\" in "
                + pipelinesDir.toAbsolutePath() + "; available: " + String.join(", ", available())));
    }

    public Uni<Manifest> url(String url) {
        return fetcher.fetch(url).map(text -> parser.apply(text, ManifestFetcher.printable(url)));
    }

    /** Names of the pipelines in the directory. */
    public List<String> available() {
        if (!Files.isDirectory(pipelinesDir)) return List.of();
        try (Stream<Path> files = Files.list(pipelinesDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches(".*\\.(json|ya?ml)$"))
                    .map(n -> n.substring(0, n.lastIndexOf('.'))).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
