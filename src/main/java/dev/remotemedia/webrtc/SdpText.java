package dev.remotemedia.webrtc;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Small SDP checks and edits: enough to reject garbage with a reason and rewrite candidate addresses. */
final class SdpText {
    private static final Pattern CANDIDATE = Pattern.compile("^(a=candidate:\\S+ \\d+ \\S+ \\d+ )(\\S+)( \\d+ typ .*)$");

    private SdpText() {}

    /** Null when the offer is usable, else why not (for a 400). */
    static String problem(String sdp) {
        if (sdp == null || sdp.isBlank()) return "empty body: POST an SDP offer with Content-Type application/sdp";
        if (!sdp.startsWith("v=0")) return "not an SDP offer: it must start with \"v=0\"";
        if (!sdp.contains("\nm=audio ")) return "the offer has no audio m-line (m=audio): send a microphone track";
        if (!sdp.contains("a=ice-ufrag:")) return "the offer has no ICE credentials (a=ice-ufrag)";
        if (!sdp.contains("a=fingerprint:")) return "the offer has no DTLS fingerprint (a=fingerprint)";
        return null;
    }

    private static final Pattern OPUS = Pattern.compile("(?m)^a=rtpmap:(\\d+) opus/48000");

    /**
     * Adds Opus format parameters (RFC 7587) to every Opus payload type of the answer we send, unless
     * the line already has them: what we ask of the sender's encoder, e.g. {@code usedtx=1} (during
     * silence a packet every 400 ms instead of every 20 ms) or {@code maxplaybackrate=16000} (encode
     * wideband only: nothing we run uses audio above 8 kHz).
     */
    static String withOpusParams(String sdp, java.util.Map<String, String> params) {
        String out = sdp;
        var m = OPUS.matcher(sdp);
        while (m.find()) {
            String pt = m.group(1);
            var fmtp = Pattern.compile("(?m)^(a=fmtp:" + pt + " )([^\\r\\n]*)").matcher(out);
            String have = fmtp.find() ? fmtp.group(2) : null;
            StringBuilder add = new StringBuilder();
            params.forEach((k, v) -> {
                if (have == null || !Pattern.compile("(^|;)\\s*" + Pattern.quote(k) + "=").matcher(have).find()) add.append(';').append(k).append('=').append(v);
            });
            if (add.isEmpty()) continue;
            if (have != null) {
                out = fmtp.replaceFirst("$1" + java.util.regex.Matcher.quoteReplacement(have + add));
            } else {
                out = out.replaceFirst("(?m)^(a=rtpmap:" + pt + " opus/48000[^\\r\\n]*)(\\r?\\n)", "$1$2a=fmtp:" + pt + " " + add.substring(1) + "$2");
            }
        }
        return out;
    }

    /**
     * Asks the sender for {@code ms} of audio per packet ({@code a=ptime}, RFC 4566) in the audio
     * section of the answer, unless it names one: fewer, larger packets for the network, SRTP and
     * the jitter buffer to handle, at {@code ms − 20} of added delay.
     */
    static String withAudioPtime(String sdp, int ms) {
        var section = Pattern.compile("(?s)(\\r?\\nm=audio .*?)(?=\\r?\\nm=|$)").matcher(sdp);
        if (!section.find() || section.group(1).contains("a=ptime:")) return sdp;
        String audio = section.group(1).replaceFirst("(\\r?\\n)(a=mid:[^\\r\\n]*)", "$1$2$1a=ptime:" + ms);
        if (audio.equals(section.group(1))) audio = audio.replaceFirst("(\\r?\\n)(m=audio [^\\r\\n]*)", "$1$2$1a=ptime:" + ms);
        return sdp.substring(0, section.start(1)) + audio + sdp.substring(section.end(1));
    }

    static boolean hasDataChannel(String sdp) {
        return sdp.contains("\nm=application ");
    }

    /** Rewrites every candidate's connection address (and c= lines) to {@code address}. */
    static String rewriteAddresses(String sdp, String address) {
        List<String> out = new ArrayList<>();
        for (String line : sdp.split("\r\n|\n")) {
            var m = CANDIDATE.matcher(line);
            if (m.matches()) line = m.group(1) + address + m.group(3);
            else if (line.startsWith("c=IN IP4 ")) line = "c=IN IP4 " + address;
            out.add(line);
        }
        return String.join("\r\n", out) + "\r\n";
    }

    /** ICE credentials (the first a=ice-ufrag / a=ice-pwd of an SDP or fragment). */
    record Ice(String ufrag, String pwd) {}

    /** The first ICE credentials in {@code sdp}, or null when it has none (a plain trickle fragment may not). */
    static Ice ice(String sdp) {
        String ufrag = null, pwd = null;
        for (String line : sdp.split("\r\n|\n")) {
            if (ufrag == null && line.startsWith("a=ice-ufrag:")) ufrag = line.substring(12).trim();
            if (pwd == null && line.startsWith("a=ice-pwd:")) pwd = line.substring(10).trim();
        }
        return ufrag == null || pwd == null ? null : new Ice(ufrag, pwd);
    }

    /**
     * {@code sdp} with new ICE credentials everywhere and no candidates: the remote description an
     * ICE restart applies (candidates then arrive in the fragment).
     */
    static String withIce(String sdp, Ice ice) {
        List<String> out = new ArrayList<>();
        for (String line : sdp.split("\r\n|\n")) {
            if (line.startsWith("a=ice-ufrag:")) line = "a=ice-ufrag:" + ice.ufrag();
            else if (line.startsWith("a=ice-pwd:")) line = "a=ice-pwd:" + ice.pwd();
            else if (line.startsWith("a=candidate:") || line.startsWith("a=end-of-candidates")) continue;
            out.add(line);
        }
        return String.join("\r\n", out) + "\r\n";
    }

    /**
     * The trickle-ice-sdpfrag (RFC 8840) of a full SDP: per media section its m-line, mid, ICE
     * credentials and candidates — what an ICE restart answers with (RFC 9725 §4.3.2).
     */
    static String fragment(String sdp, boolean complete) {
        StringBuilder b = new StringBuilder();
        String mLine = null, mid = null, ufrag = null, pwd = null;
        List<String> candidates = new ArrayList<>();
        for (String line : (sdp + "\r\nm=end").split("\r\n|\n")) {
            if (line.startsWith("m=")) {
                if (mLine != null) {
                    b.append(mLine).append("\r\n");
                    if (mid != null) b.append("a=mid:").append(mid).append("\r\n");
                    if (ufrag != null) b.append("a=ice-ufrag:").append(ufrag).append("\r\n");
                    if (pwd != null) b.append("a=ice-pwd:").append(pwd).append("\r\n");
                    candidates.forEach(c -> b.append(c).append("\r\n"));
                    if (complete) b.append("a=end-of-candidates\r\n");
                }
                mLine = line;
                mid = null;
                candidates.clear();
            } else if (line.startsWith("a=mid:")) mid = line.substring(6).trim();
            else if (line.startsWith("a=ice-ufrag:")) ufrag = line.substring(12).trim();
            else if (line.startsWith("a=ice-pwd:")) pwd = line.substring(10).trim();
            else if (line.startsWith("a=candidate:")) candidates.add(line);
        }
        return b.toString();
    }

    /** True when the fragment only says the client has no more candidates. */
    static boolean endOfCandidates(String fragment) {
        return fragment.contains("a=end-of-candidates");
    }

    /** Sets (or adds) the data channel's a=max-message-size in an answer: what the peer may send us. */
    static String withMaxMessageSize(String sdp, long bytes) {
        if (!hasDataChannel(sdp)) return sdp;
        if (sdp.contains("a=max-message-size:")) return sdp.replaceAll("(?m)^a=max-message-size:\\d+", "a=max-message-size:" + bytes);
        return sdp.replaceFirst("(?m)^(a=sctp-port:[^\\r\\n]*)(\\r?\\n)", "$1$2a=max-message-size:" + bytes + "$2");
    }

    /** Candidate lines of a trickle-ice-sdpfrag body (RFC 8840), with their mid. */
    record Candidate(String mid, String line) {}

    static List<Candidate> candidates(String fragment) {
        List<Candidate> out = new ArrayList<>();
        String mid = "0";
        for (String line : fragment.split("\r\n|\n")) {
            if (line.startsWith("a=mid:")) mid = line.substring(6).trim();
            if (line.startsWith("a=candidate:")) out.add(new Candidate(mid, line.substring(2)));
        }
        return out;
    }
}
