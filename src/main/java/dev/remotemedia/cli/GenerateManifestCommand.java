package dev.remotemedia.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.PipelineEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** `generate-manifest --endpoint HOST:PORT [--template …]`: a local manifest (VAD → remote) that passes validation. */
@Command(name = "generate-manifest", description = "Write a manifest that sends speech segments to remote endpoints (it passes `validate`).")
final class GenerateManifestCommand implements Callable<Integer> {
    @Option(names = "--endpoint", required = true, paramLabel = "HOST:PORT", description = "Remote endpoint: host:port or dns:///NAME:PORT (a fleet); repeat for a pool.") List<String> endpoints;
    @Option(names = "--template", defaultValue = "stats", description = "stats | stt | stt-tts | failover (default: ${DEFAULT-VALUE}).") String template;
    @Option(names = "--output", paramLabel = "F", description = "File to write (default: stdout).") Path output;
    @Mixin DebugOption debug;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode m = f.objectNode().put("version", "v1");
        m.putObject("metadata").put("name", "generated-" + template).put("description", "VAD here; " + describe() + " on " + String.join(", ", endpoints));
        ArrayNode nodes = m.putArray("nodes");
        nodes.addObject().put("id", "vad").put("node_type", "SileroVAD").putObject("params").put("min_silence_duration_ms", 300);
        ObjectNode remote = nodes.addObject().put("id", "remote").put("node_type", "RemotePipelineNode");
        ObjectNode p = remote.putObject("params");
        if (endpoints.size() == 1 && !template.equals("failover")) p.put("endpoint", endpoints.get(0));
        else endpoints.forEach(e -> p.withArray("endpoints").add(e));
        switch (template) {
            case "stats", "failover" -> p.put("pipeline", "stats-segments");
            case "stt" -> p.put("pipeline", "whisper-stt");
            case "stt-tts" -> p.put("pipeline", "whisper-stt-kokoro-tts");
            default -> throw new IllegalArgumentException("unknown template \"" + template + "\"; use stats, stt, stt-tts or failover");
        }
        p.put("auth_token", "${REMOTEMEDIA_API_TOKEN:-}");
        p.put("timeout_ms", template.startsWith("stt") ? 15000 : 5000);
        if (template.equals("failover")) {
            p.put("load_balance_strategy", "least_connections");
            p.putObject("retry").put("max_retries", 3).put("backoff_ms", 500);
            p.putObject("circuit_breaker").put("failure_threshold", 3).put("success_threshold", 2).put("reset_timeout_ms", 30000);
        }
        String text = Events.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n";
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            engine.parse(text, "generated"); // never write what `validate` would reject
        }
        if (output == null) spec.commandLine().getOut().print(text);
        else Files.writeString(output, text);
        return 0;
    }

    private String describe() {
        return switch (template) {
            case "stt" -> "Whisper speech-to-text";
            case "stt-tts" -> "Whisper STT and Kokoro TTS";
            case "failover" -> "AudioStats over a failover pool";
            default -> "AudioStats";
        };
    }
}
