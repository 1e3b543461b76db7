package dev.remotemedia.webrtc;

import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.internal.NativeObject;
import dev.onvoid.webrtc.internal.RefCountedObject;
import dev.remotemedia.telemetry.Telemetry;
import org.jboss.logging.Logger;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.Properties;

/**
 * Drops the owning native reference that webrtc-java 0.14.0 takes on a peer connection (and on a
 * sender from {@code addTrack}) and never gives back: {@code RTCPeerConnection.close()} calls
 * {@code Close()} but not {@code Release()} (upstream issue #239, fixed in JNI by PR #283, in no
 * release yet), so every closed connection's native graph stayed allocated (≈ 170 kB per cycle).
 * The fix from Java: read the wrapper's handle before {@code close()} zeroes it, then hand it to a
 * throw-away {@link RefCountedObject} and call {@code release()} once — {@code Release()} through
 * the object's vtable. Only for owning wrappers, only after {@code close()} returned, never from the
 * connection's own observer callbacks, and only on 0.14.0 (a release with #283 would release twice).
 */
final class NativeRelease {
    private static final Logger LOG = Logger.getLogger(NativeRelease.class);
    /** The webrtc-java version this works around; any other version is left alone. */
    static final String AFFECTED = "0.14.0";
    private static final Field HANDLE = handleField();
    static final String VERSION = webrtcJavaVersion();

    private NativeRelease() {}

    /** Whether releases are needed and possible here (the affected version, the handle field readable). */
    static boolean applies() {
        return AFFECTED.equals(VERSION) && HANDLE != null;
    }

    /** The native handle of an owning wrapper (0 when unknown or already gone); read it before close(). */
    static long handle(NativeObject wrapper) {
        if (HANDLE == null || wrapper == null) return 0;
        try {
            return HANDLE.getLong(wrapper);
        } catch (IllegalAccessException e) {
            return 0;
        }
    }

    /**
     * Releases one reference of the native object behind {@code handle}; {@code what} names it in the
     * metric. Returns true when that was the last reference (the object is gone).
     */
    static boolean release(long handle, String what) {
        if (handle == 0 || HANDLE == null) return false;
        Releaser r = new Releaser();
        try {
            HANDLE.setLong(r, handle);
            r.release();
            boolean last = HANDLE.getLong(r) == 0;
            Telemetry.webrtcNativeRelease(what, last ? "freed" : "still_referenced");
            return last;
        } catch (IllegalAccessException | RuntimeException e) {
            Telemetry.webrtcNativeRelease(what, "failed");
            LOG.debugf("native release of a %s failed: %s", what, e.toString());
            return false;
        }
    }

    /** A wrapper of no type of its own: only its handle and {@code release()} are used. */
    private static final class Releaser extends RefCountedObject {}

    private static Field handleField() {
        try {
            Field f = NativeObject.class.getDeclaredField("nativeHandle");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("webrtc-java's native handle is not readable (%s): closed peer connections keep their native memory", e);
            return null;
        }
    }

    private static String webrtcJavaVersion() {
        try (InputStream in = RTCPeerConnection.class.getResourceAsStream("/META-INF/maven/dev.onvoid.webrtc/webrtc-java/pom.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }
}
