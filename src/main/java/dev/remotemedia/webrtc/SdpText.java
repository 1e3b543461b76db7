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
        if (sdp.length() > 64 * 1024) return "SDP offer larger than 64 KiB";
        if (!sdp.contains("\nm=audio ")) return "the offer has no audio m-line (m=audio): send a microphone track";
        if (!sdp.contains("a=ice-ufrag:")) return "the offer has no ICE credentials (a=ice-ufrag)";
        if (!sdp.contains("a=fingerprint:")) return "the offer has no DTLS fingerprint (a=fingerprint)";
        return null;
    }

    private static final Pattern OPUS = Pattern.compile("(?m)^a=rtpmap:(\\d+) opus/48000");

    /**
     * Asks the sender for Opus DTX (RFC 7587 {@code usedtx=1}) in the answer we send: during silence a
     * browser then sends a packet every 400 ms instead of every 20 ms, and this server decodes comfort
     * noise instead of packets. Speech is unchanged.
     */
    static String withOpusDtx(String sdp) {
        String out = sdp;
        var m = OPUS.matcher(sdp);
        while (m.find()) {
            String pt = m.group(1);
            var fmtp = Pattern.compile("(?m)^(a=fmtp:" + pt + " )([^\\r\\n]*)").matcher(out);
            if (fmtp.find()) {
                if (!fmtp.group(2).contains("usedtx=")) out = fmtp.replaceFirst("$1$2;usedtx=1");
            } else {
                out = out.replaceFirst("(?m)^(a=rtpmap:" + pt + " opus/48000[^\\r\\n]*)(\\r?\\n)", "$1$2a=fmtp:" + pt + " usedtx=1$2");
            }
        }
        return out;
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
