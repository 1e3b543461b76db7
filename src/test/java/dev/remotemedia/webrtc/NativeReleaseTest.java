package dev.remotemedia.webrtc;

import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 0.14.0 leak fix on real native objects: after close(), our release drops the last reference. */
class NativeReleaseTest {
    @Test
    void releasingAClosedPeerConnectionAndItsSenderFreesThem() {
        assertEquals(NativeRelease.AFFECTED, NativeRelease.VERSION, "the webrtc-java on the class path");
        assertTrue(NativeRelease.applies());
        try (PeerFactory peers = new PeerFactory()) {
            int freed = 0;
            for (int i = 0; i < 20; i++) {
                var pc = peers.get().createPeerConnection(new RTCConfiguration(), new PeerConnectionObserver() {
                    @Override public void onIceCandidate(RTCIceCandidate candidate) { }
                });
                CustomAudioSource source = new CustomAudioSource();
                var track = peers.get().createAudioTrack("t" + i, source);
                var sender = pc.addTrack(track, List.of("s"));
                long pcHandle = NativeRelease.handle(pc), senderHandle = NativeRelease.handle(sender);
                assertNotEquals(0, pcHandle);
                assertNotEquals(0, senderHandle);
                pc.removeTrack(sender);
                pc.close();
                track.dispose();
                source.dispose();
                if (NativeRelease.release(pcHandle, "peer_connection")) freed++;
                NativeRelease.release(senderHandle, "sender");
            }
            assertEquals(20, freed, "each release dropped the last reference of its peer connection");
        }
    }
}
