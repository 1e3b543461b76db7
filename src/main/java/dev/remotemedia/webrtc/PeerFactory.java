package dev.remotemedia.webrtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import org.jboss.logging.Logger;

/**
 * The process's one PeerConnectionFactory, on a HeadlessAudioDeviceModule: no sound card or
 * PulseAudio needed (the factory without a module aborts the JVM on headless machines).
 * Created on first use so the CLI and non-WebRTC roles never load the native library.
 */
public final class PeerFactory implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PeerFactory.class);

    private HeadlessAudioDeviceModule adm;
    private PeerConnectionFactory factory;

    public synchronized PeerConnectionFactory get() {
        if (factory == null) {
            long t0 = System.nanoTime();
            adm = new HeadlessAudioDeviceModule();
            adm.initPlayout();
            adm.startPlayout();
            factory = new PeerConnectionFactory(adm);
            LOG.infof("WebRTC factory ready in %d ms", (System.nanoTime() - t0) / 1_000_000);
        }
        return factory;
    }

    /** Dispose after every peer connection is closed. */
    @Override
    public synchronized void close() {
        if (factory != null) {
            factory.dispose();
            factory = null;
        }
        if (adm != null) {
            adm.stopPlayout();
            adm.dispose();
            adm = null;
        }
    }
}
