package dev.igme.link.qr;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;

import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;

/**
 * Draws a QR code of a text (a link's URL) as a PNG or an SVG image. ZXing computes the module
 * matrix; this class only scales it and writes the image. Stateless and thread-safe.
 *
 * <p>Both formats are {@code size} × {@code size} pixels and use the same checks: the content must
 * fit in a QR code at the chosen level (else {@link QrOptions.Invalid} naming {@code target}), and
 * {@code size} must give every module at least one pixel (else one naming {@code size}).
 *
 * <p>PNG: each module is {@code floor(size / (modules + 2 × margin))} pixels square, so all modules
 * are alike and edges are sharp; the pixels that division leaves over widen the quiet zone, half
 * on the top/left (rounded down) and the rest on the bottom/right. The image is 1-bit grayscale.
 *
 * <p>SVG: the {@code viewBox} counts modules (margin included) and {@code width}/{@code height}
 * are {@code size}, so the code fills the image exactly. Black modules are one {@code <path>} on a
 * white {@code <rect>}. The content itself is not written into the SVG.
 */
public final class QrCodes {

    private QrCodes() {
    }

    /** The QR code of {@code content} as a PNG file. */
    public static byte[] png(String content, QrOptions options) {
        Matrix matrix = Matrix.of(content, options);
        int size = options.size();
        int scale = size / matrix.total();
        int offset = (size - scale * matrix.total()) / 2 + options.margin() * scale;

        // TYPE_BYTE_BINARY: one bit per pixel, palette index 0 black and 1 white, rows padded to bytes.
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_BINARY);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        int stride = (size + 7) / 8;
        Arrays.fill(pixels, (byte) 0xFF);
        byte[] row = new byte[stride];
        for (int y = 0; y < matrix.modules(); y++) {
            Arrays.fill(row, (byte) 0xFF);
            for (int x = 0; x < matrix.modules(); x++) {
                if (matrix.dark(x, y)) {
                    int from = offset + x * scale;
                    for (int px = from; px < from + scale; px++) {
                        row[px >> 3] &= (byte) ~(0x80 >> (px & 7));
                    }
                }
            }
            int top = offset + y * scale;
            for (int line = top; line < top + scale; line++) {
                System.arraycopy(row, 0, pixels, line * stride, stride);
            }
        }
        return writePng(image);
    }

    /** The QR code of {@code content} as a standalone SVG document. */
    public static String svg(String content, QrOptions options) {
        Matrix matrix = Matrix.of(content, options);
        int total = matrix.total();
        int margin = options.margin();
        StringBuilder svg = new StringBuilder(256 + matrix.modules() * matrix.modules() * 2);
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"")
                .append(" width=\"").append(options.size()).append("\" height=\"").append(options.size()).append('"')
                .append(" viewBox=\"0 0 ").append(total).append(' ').append(total).append('"')
                .append(" shape-rendering=\"crispEdges\">\n")
                .append("<rect width=\"").append(total).append("\" height=\"").append(total).append("\" fill=\"#fff\"/>\n")
                .append("<path fill=\"#000\" d=\"");
        // One rectangle per horizontal run of dark modules: "M x y h run v 1 h -run z".
        for (int y = 0; y < matrix.modules(); y++) {
            int x = 0;
            while (x < matrix.modules()) {
                if (!matrix.dark(x, y)) {
                    x++;
                    continue;
                }
                int start = x;
                while (x < matrix.modules() && matrix.dark(x, y)) {
                    x++;
                }
                int run = x - start;
                svg.append('M').append(start + margin).append(' ').append(y + margin)
                        .append('h').append(run).append("v1h-").append(run).append('z');
            }
        }
        return svg.append("\"/>\n</svg>\n").toString();
    }

    private static byte[] writePng(BufferedImage image) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IllegalStateException("this Java runtime has no PNG writer");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // An in-memory stream: ImageIO.write(image, "png", out) would buffer through a temporary file.
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(image);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the PNG", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** ZXing's module matrix (without quiet zone) and the side with the margin on both sides. */
    private record Matrix(ByteMatrix matrix, int modules, int total) {

        static Matrix of(String content, QrOptions options) {
            if (content == null || content.isEmpty()) {
                throw new QrOptions.Invalid("target", "the target URL is empty");
            }
            Map<EncodeHintType, Object> hints = new EnumMap<>(EncodeHintType.class);
            // ASCII (every URL in its encoded form) goes in byte mode without an ECI header, which
            // every reader understands; anything else is declared as UTF-8.
            if (!StandardCharsets.US_ASCII.newEncoder().canEncode(content)) {
                hints.put(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
            }
            ByteMatrix matrix;
            try {
                matrix = Encoder.encode(content, level(options.ecc()), hints).getMatrix();
            } catch (WriterException e) {
                throw new QrOptions.Invalid("target", "the target URL is too long for a QR code at error-correction level "
                        + options.ecc() + (options.ecc() == QrOptions.Ecc.L ? "" : "; a lower level holds more"));
            }
            int modules = matrix.getWidth();
            int total = modules + 2 * options.margin();
            if (options.size() < total) {
                throw new QrOptions.Invalid("size", "size must be at least " + total + " pixels for this URL at level "
                        + options.ecc() + " with a margin of " + options.margin() + " (one pixel per module)");
            }
            return new Matrix(matrix, modules, total);
        }

        boolean dark(int x, int y) {
            return matrix.get(x, y) == 1;
        }

        private static ErrorCorrectionLevel level(QrOptions.Ecc ecc) {
            return switch (ecc) {
                case L -> ErrorCorrectionLevel.L;
                case M -> ErrorCorrectionLevel.M;
                case Q -> ErrorCorrectionLevel.Q;
                case H -> ErrorCorrectionLevel.H;
            };
        }
    }
}
