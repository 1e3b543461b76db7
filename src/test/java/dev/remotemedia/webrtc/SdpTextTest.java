package dev.remotemedia.webrtc;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SdpTextTest {
    private static final java.util.Map<String, String> DTX = java.util.Map.of("usedtx", "1");

    @Test
    void asksForOpusDtxInTheAnswerOnceAndLeavesOtherCodecsAlone() {
        String answer = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=rtpmap:111 opus/48000/2\r\n"
                + "a=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:0 PCMU/8000\r\n";
        String dtx = SdpText.withOpusParams(answer, DTX);
        assertTrue(dtx.contains("a=fmtp:111 minptime=10;useinbandfec=1;usedtx=1\r\n"), dtx);
        assertEquals(dtx, SdpText.withOpusParams(dtx, DTX), "idempotent");
        assertTrue(dtx.contains("a=rtpmap:0 PCMU/8000\r\n") && !dtx.contains("a=fmtp:0"), dtx);
    }

    @Test
    void addsAnFmtpLineWhenOpusHasNone() {
        String dtx = SdpText.withOpusParams("m=audio 9 RTP/SAVPF 96\r\na=rtpmap:96 opus/48000/2\r\na=sendrecv\r\n", DTX);
        assertTrue(dtx.contains("a=rtpmap:96 opus/48000/2\r\na=fmtp:96 usedtx=1\r\na=sendrecv"), dtx);
    }

    @Test
    void addsOnlyTheParametersTheOfferedLineLacks() {
        String answer = "m=audio 9 RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10; maxplaybackrate=24000\r\n";
        var params = new java.util.LinkedHashMap<String, String>();
        params.put("usedtx", "1");
        params.put("maxplaybackrate", "16000");
        String out = SdpText.withOpusParams(answer, params);
        assertTrue(out.contains("a=fmtp:111 minptime=10; maxplaybackrate=24000;usedtx=1\r\n"), "a value already there is kept: " + out);
        String fresh = SdpText.withOpusParams("m=audio 9 RTP/SAVPF 96\r\na=rtpmap:96 opus/48000/2\r\n", params);
        assertTrue(fresh.contains("a=fmtp:96 usedtx=1;maxplaybackrate=16000\r\n"), fresh);
    }

    @Test
    void asksForAPtimeInTheAudioSectionOnly() {
        String answer = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\n"
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:1\r\n";
        String out = SdpText.withAudioPtime(answer, 40);
        assertTrue(out.contains("a=mid:0\r\na=ptime:40\r\na=rtpmap:111"), out);
        assertEquals(1, out.split("a=ptime:", -1).length - 1, "once, in the audio section: " + out);
        assertEquals(out, SdpText.withAudioPtime(out, 60), "a ptime already there is kept");
    }
}
