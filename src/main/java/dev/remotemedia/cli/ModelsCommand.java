package dev.remotemedia.cli;

import dev.remotemedia.inference.ModelCatalog;
import dev.remotemedia.inference.KokoroModel;
import dev.remotemedia.inference.ModelStore;
import dev.remotemedia.inference.WhisperModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** `models list|pull NAME|verify [NAME…]`: the model catalogue and the local cache (remotemedia.models.* / REMOTEMEDIA_MODELS_*). */
@Command(name = "models", description = "Model catalogue and cache: list, pull NAME|s3://…|https://…, verify [NAME…].")
final class ModelsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ACTION", description = "list | pull | verify")
    String action;

    @Parameters(index = "1..*", paramLabel = "NAME", description = "catalogue names or s3:// / https:// prefixes")
    List<String> names = new ArrayList<>();

    @Option(names = "--kind", paramLabel = "whisper|kokoro", description = "for an https:// prefix: which export layout's files to fetch")
    String kind;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ModelStore store = ModelStore.fromEnvironment();
        switch (action) {
            case "list" -> {
                out.printf("cache: %s%n", store.cacheDir());
                out.printf("%-24s %-8s %-10s %s%n", "NAME", "KIND", "STATUS", "DESCRIPTION");
                List<String> installed = store.installed().stream().map(ModelStore.Installed::name).toList();
                for (ModelCatalog.Entry e : store.catalog().entries()) {
                    out.printf("%-24s %-8s %-10s %s%n", e.name(), e.kind(), installed.contains(e.name()) ? "pulled" : "-", e.description());
                }
                for (ModelStore.Installed i : store.installed()) {
                    if (store.catalog().find(i.name()).isEmpty()) {
                        out.printf("%-24s %-8s %-10s %s (%d files, %.1f MB)%n", i.name(), "-", "pulled", i.source(), i.files(), i.bytes() / 1e6);
                    }
                }
                return 0;
            }
            case "pull" -> {
                if (names.isEmpty()) throw new IllegalArgumentException("pull needs a NAME (see `models list`) or an s3:// / https:// prefix");
                List<String> files = kind == null ? List.of() : switch (kind) {
                    case "whisper" -> WhisperModel.FILES;
                    case "kokoro" -> KokoroModel.FILES;
                    default -> throw new IllegalArgumentException("--kind must be whisper or kokoro, got " + kind);
                };
                for (String name : names) {
                    long[] last = {0};
                    String[] current = {""};
                    long[] fileStart = {0, 0}; // when this file started, and the bytes it had then (a resumed download)
                    var dir = store.pull(name, files, (file, done, total) -> {
                        long now = System.nanoTime();
                        if (!file.equals(current[0])) {
                            current[0] = file;
                            fileStart[0] = now;
                            fileStart[1] = done;
                        }
                        if (now - last[0] > 1_000_000_000L || done == total) {
                            last[0] = now;
                            double seconds = Math.max(1e-3, (now - fileStart[0]) / 1e9);
                            double rate = (done - fileStart[1]) / 1e6 / seconds;
                            String eta = total > 0 && rate > 0 && done < total ? String.format(", %.0f s left", (total - done) / 1e6 / rate) : "";
                            out.printf("  %s %.1f / %s MB, %.1f MB/s%s%n", file, done / 1e6, total < 0 ? "?" : String.format("%.1f", total / 1e6), rate, eta);
                            out.flush();
                        }
                    });
                    out.printf("%s ready in %s%n", name, dir);
                }
                return 0;
            }
            case "verify" -> {
                List<String> which = names.isEmpty() ? store.installed().stream().map(ModelStore.Installed::name).toList() : names;
                if (which.isEmpty()) {
                    out.println("no models in " + store.cacheDir());
                    return 0;
                }
                int bad = 0;
                for (String name : which) {
                    List<String> problems = store.verify(name);
                    out.printf("%s: %s%n", name, problems.isEmpty() ? "ok" : String.join("; ", problems));
                    if (!problems.isEmpty()) bad++;
                }
                return bad == 0 ? 0 : 1;
            }
            default -> throw new IllegalArgumentException("unknown action \"" + action + "\"; use list, pull or verify");
        }
    }
}
