package dev.remotemedia.grpc;

import com.google.protobuf.ByteString;
import dev.remotemedia.grpc.v1.Image;
import dev.remotemedia.grpc.v1.ImageFormat;
import dev.remotemedia.pipeline.ImageFrame;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.spi.ImageWriterSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Images on the wire: raw RGB24, or JPEG through the JDK's ImageIO (no native dependency). JPEG
 * at quality 0.9 is ≈ 10× smaller for camera frames and moves colours by a few levels at most.
 */
public final class ImageCodec {
    private static final float JPEG_QUALITY = 0.9f;
    // the JDK's JPEG codec, looked up once (a registry search per frame otherwise); readers and writers themselves are per call: not thread-safe
    private static final ImageWriterSpi JPEG_WRITER = ImageIO.getImageWritersByFormatName("jpeg").next().getOriginatingProvider();
    private static final ImageReaderSpi JPEG_READER = ImageIO.getImageReadersByFormatName("jpeg").next().getOriginatingProvider();

    private ImageCodec() {}

    public static Image encode(ImageFrame f, ImageFormat format) {
        Image.Builder b = Image.newBuilder().setWidth(f.width()).setHeight(f.height()).setFrameId(f.id());
        if (format == ImageFormat.JPEG) return b.setFormat(ImageFormat.JPEG).setData(ByteString.copyFrom(jpeg(f))).build();
        return b.setFormat(ImageFormat.RGB24).setData(ByteString.copyFrom(f.rgb())).build();
    }

    /** Decodes a peer's image; a wrong size or a broken JPEG raises {@link IllegalArgumentException} naming the field. */
    public static ImageFrame decode(Image image, long tMs) {
        int w = image.getWidth(), h = image.getHeight();
        if (w == 0 || h == 0 || w > ImageFrame.MAX_SIDE || h > ImageFrame.MAX_SIDE) {
            throw new IllegalArgumentException("image.width/height: " + w + "x" + h + " outside 1.." + ImageFrame.MAX_SIDE);
        }
        return switch (image.getFormat()) {
            case RGB24, IMAGE_FORMAT_UNSPECIFIED -> {
                if (image.getData().size() != w * h * 3) {
                    throw new IllegalArgumentException("image.data: " + w + "x" + h + " RGB24 is " + w * h * 3 + " bytes, got " + image.getData().size());
                }
                yield new ImageFrame(image.getFrameId(), w, h, image.getData().toByteArray(), tMs);
            }
            case JPEG -> fromJpeg(image.getData().toByteArray(), image.getFrameId(), w, h, tMs);
            case UNRECOGNIZED -> throw new IllegalArgumentException("image.format: unknown image format");
        };
    }

    static byte[] jpeg(ImageFrame f) {
        BufferedImage img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        byte[] rgb = f.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        ImageWriter writer;
        try {
            writer = JPEG_WRITER.createWriterInstance();
        } catch (IOException e) {
            throw new IllegalStateException("no JPEG writer", e);
        }
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(f.rgb().length / 8);
             MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("JPEG encoding failed", e);
        } finally {
            writer.dispose();
        }
    }

    private static ImageFrame fromJpeg(byte[] data, int id, int w, int h, long tMs) {
        // a memory stream: ImageIO.createImageInputStream would cache through a temporary file
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            ImageReader reader = JPEG_READER.createReaderInstance();
            try {
                reader.setInput(in);
                // read the declared size before decoding: a small file must not decode into a huge raster
                if (reader.getWidth(0) != w || reader.getHeight(0) != h) {
                    throw new IllegalArgumentException("image.data: the JPEG is " + reader.getWidth(0) + "x" + reader.getHeight(0) + ", the frame says " + w + "x" + h);
                }
                BufferedImage img = reader.read(0);
                byte[] rgb = new byte[w * h * 3];
                if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) { // what baseline colour JPEGs decode to: swap in place, no per-pixel calls
                    byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                    for (int i = 0; i < rgb.length; i += 3) {
                        rgb[i] = bgr[i + 2];
                        rgb[i + 1] = bgr[i + 1];
                        rgb[i + 2] = bgr[i];
                    }
                } else {
                    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
                    for (int i = 0; i < argb.length; i++) {
                        rgb[i * 3] = (byte) (argb[i] >> 16);
                        rgb[i * 3 + 1] = (byte) (argb[i] >> 8);
                        rgb[i * 3 + 2] = (byte) argb[i];
                    }
                }
                return new ImageFrame(id, w, h, rgb, tMs);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) throw iae;
            throw new IllegalArgumentException("image.data: broken JPEG (" + e.getMessage() + ")");
        }
    }
}
