package dev.remotemedia.webrtc;

import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelObserver;

import java.util.function.Consumer;

/**
 * A data channel observer that can be cut loose from its owner. webrtc-java's
 * {@code unregisterObserver()} does not delete the native observer it created, and that observer
 * holds a JNI global reference to this object for the life of the process: an anonymous observer
 * would keep its whole session (pipeline, buffers, model streams) on the heap after close. Owners
 * call {@link #detach()} when they close, which leaves only this small object behind.
 */
final class ChannelObserver implements RTCDataChannelObserver {
    private volatile Runnable onStateChange;
    private volatile Consumer<RTCDataChannelBuffer> onMessage;

    ChannelObserver(Runnable onStateChange, Consumer<RTCDataChannelBuffer> onMessage) {
        this.onStateChange = onStateChange;
        this.onMessage = onMessage;
    }

    /** Drops the references to the owner; later callbacks do nothing. */
    void detach() {
        onStateChange = null;
        onMessage = null;
    }

    @Override
    public void onBufferedAmountChange(long previousAmount) { }

    @Override
    public void onStateChange() {
        Runnable r = onStateChange;
        if (r != null) r.run();
    }

    @Override
    public void onMessage(RTCDataChannelBuffer buffer) {
        Consumer<RTCDataChannelBuffer> c = onMessage;
        if (c != null) c.accept(buffer);
    }
}
