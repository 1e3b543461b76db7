package dev.remotemedia.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.Value;
import dev.remotemedia.audio.Pcm;
import dev.remotemedia.grpc.v1.AudioData;
import dev.remotemedia.grpc.v1.DataFrame;
import dev.remotemedia.grpc.v1.Event;
import dev.remotemedia.grpc.v1.ImageFormat;
import dev.remotemedia.grpc.v1.SampleFormat;
import dev.remotemedia.grpc.v1.Segment;
import dev.remotemedia.grpc.v1.Text;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.ImageFrame;
import dev.remotemedia.pipeline.SpeechSegment;
import dev.remotemedia.pipeline.TextFrame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one mapping between pipeline frames and {@code remotemedia.v1} messages, used by the gRPC
 * server and by the RemotePipelineNode client alike. Audio travels as PCM16 (half the bytes of
 * float32; VAD segments are 16-bit speech anyway); both formats are accepted on input.
 */
public final class FrameCodec {
    private FrameCodec() {}

    public static DataFrame encode(Frame frame, long sequence) {
        return encode(frame, sequence, ImageFormat.RGB24);
    }

    /** As {@link #encode(Frame, long)}, with images sent as {@code images} (RGB24 or JPEG). */
    public static DataFrame encode(Frame frame, long sequence, ImageFormat images) {
        return builder(frame, sequence, images).build();
    }

    /** The frame's message still open for the caller's fields (segment id, trace context): built once, not built, copied and built again. */
    public static DataFrame.Builder builder(Frame frame, long sequence, ImageFormat images) {
        DataFrame.Builder b = DataFrame.newBuilder().setSequence(sequence).setTMs(frame.tMs());
        if (frame instanceof AudioFrame a) {
            b.setAudio(audio(a));
        } else if (frame instanceof SpeechSegment s) {
            b.setSegmentId(s.id()).setSegment(Segment.newBuilder().setStartMs(s.startMs()).setEndMs(s.endMs())
                    .setAudio(audio(s.audio())));
        } else if (frame instanceof TextFrame t) {
            b.setSegmentId(t.segment()).setText(Text.newBuilder().setText(t.text()));
        } else if (frame instanceof EventFrame e) {
            b.setSegmentId(Math.max(0, e.segment())).setEvent(Event.newBuilder().setType(e.type()).setFields(struct(e.fields())));
        } else if (frame instanceof ImageFrame i) {
            b.setImage(ImageCodec.encode(i, images));
        }
        return b;
    }

    /** Decodes a frame from a peer; malformed content raises {@link IllegalArgumentException} naming the field. */
    public static Frame decode(DataFrame f) {
        return switch (f.getPayloadCase()) {
            case AUDIO -> audio(f.getAudio(), f.getTMs());
            case SEGMENT -> new SpeechSegment(f.getSegmentId(), f.getSegment().getStartMs(), f.getSegment().getEndMs(),
                    audio(f.getSegment().getAudio(), f.getSegment().getStartMs()));
            case TEXT -> new TextFrame(f.getText().getText(), f.getSegmentId(), f.getTMs());
            case EVENT -> new EventFrame(f.getEvent().getType(), f.getTMs(), json(f.getEvent().getFields()));
            case IMAGE -> ImageCodec.decode(f.getImage(), f.getTMs());
            case PAYLOAD_NOT_SET -> throw new IllegalArgumentException("frame " + f.getSequence() + ": no payload");
        };
    }

    public static AudioData audio(AudioFrame a) {
        // the array is ours and never written again: wrap it instead of copying 2 bytes per sample once more
        return AudioData.newBuilder().setPcm(UnsafeByteOperations.unsafeWrap(Pcm.toPcm16(a.samples())))
                .setFormat(SampleFormat.PCM_S16LE).setSampleRate(a.sampleRate()).setChannels(a.channels()).build();
    }

    public static AudioFrame audio(AudioData d, long tMs) {
        if (d.getSampleRate() == 0) throw new IllegalArgumentException("audio.sample_rate: must be positive");
        int channels = d.getChannels() == 0 ? 1 : d.getChannels();
        ByteBuffer bytes = d.getPcm().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN); // read in place, no copy
        int n = bytes.remaining();
        float[] samples = switch (d.getFormat()) {
            case PCM_S16LE, SAMPLE_FORMAT_UNSPECIFIED -> {
                if (n % 2 != 0) throw new IllegalArgumentException("audio.pcm: odd byte count for PCM16");
                yield Pcm.fromPcm16(bytes.asShortBuffer());
            }
            case PCM_F32LE -> {
                if (n % 4 != 0) throw new IllegalArgumentException("audio.pcm: byte count not a multiple of 4 for float32");
                float[] out = new float[n / 4];
                bytes.asFloatBuffer().get(out);
                yield out;
            }
            case UNRECOGNIZED -> throw new IllegalArgumentException("audio.format: unknown sample format");
        };
        if (samples.length % channels != 0) throw new IllegalArgumentException("audio.pcm: sample count not a multiple of channels");
        return new AudioFrame(samples, d.getSampleRate(), channels, tMs);
    }

    /** A JSON object as a protobuf Struct, converted node by node (no text round trip). */
    public static Struct struct(JsonNode json) {
        if (!json.isObject()) throw new IllegalArgumentException("not a JSON object: " + json.getNodeType());
        Struct.Builder b = Struct.newBuilder();
        json.fields().forEachRemaining(e -> b.putFields(e.getKey(), value(e.getValue())));
        return b.build();
    }

    private static Value value(JsonNode n) {
        Value.Builder v = Value.newBuilder();
        if (n.isObject()) v.setStructValue(struct(n));
        else if (n.isArray()) {
            ListValue.Builder list = ListValue.newBuilder();
            n.forEach(e -> list.addValues(value(e)));
            v.setListValue(list);
        } else if (n.isNumber()) v.setNumberValue(n.asDouble());
        else if (n.isBoolean()) v.setBoolValue(n.asBoolean());
        else if (n.isNull() || n.isMissingNode()) v.setNullValue(NullValue.NULL_VALUE);
        else v.setStringValue(n.asText());
        return v.build();
    }

    /** A protobuf Struct as a JSON object; whole numbers come back as integers (segment 1, not 1.0). */
    public static ObjectNode json(Struct s) {
        ObjectNode o = Events.JSON.createObjectNode();
        s.getFieldsMap().forEach((k, v) -> o.set(k, node(v)));
        return o;
    }

    private static JsonNode node(Value v) {
        var f = Events.JSON.getNodeFactory();
        return switch (v.getKindCase()) {
            case STRUCT_VALUE -> json(v.getStructValue());
            case LIST_VALUE -> {
                var a = f.arrayNode();
                v.getListValue().getValuesList().forEach(e -> a.add(node(e)));
                yield a;
            }
            case NUMBER_VALUE -> {
                double d = v.getNumberValue();
                yield d == Math.rint(d) && Math.abs(d) < 1e15 ? f.numberNode((long) d) : f.numberNode(d);
            }
            case BOOL_VALUE -> f.booleanNode(v.getBoolValue());
            case STRING_VALUE -> f.textNode(v.getStringValue());
            case NULL_VALUE, KIND_NOT_SET -> f.nullNode();
        };
    }
}
