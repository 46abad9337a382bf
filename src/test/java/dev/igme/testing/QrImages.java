package dev.igme.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.Map;

import javax.imageio.ImageIO;

import org.apache.batik.transcoder.TranscoderException;
import org.apache.batik.transcoder.TranscoderInput;
import org.apache.batik.transcoder.TranscoderOutput;
import org.apache.batik.transcoder.image.ImageTranscoder;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.ReaderException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

/** Reads QR images back as a phone would: PNG bytes or SVG (rasterised by Batik) to the text they carry. */
public final class QrImages {

    private QrImages() {
    }

    public static String decodePng(byte[] png) throws IOException {
        return decode(ImageIO.read(new ByteArrayInputStream(png)));
    }

    public static String decodeSvg(String svg) throws TranscoderException {
        return decode(rasterise(svg));
    }

    /**
     * ZXing's reader as a phone runs it (finding the code, not assuming a bare code). A margin-0
     * code is read as it would be printed: on white paper, so it gets a white border first. ZXing's
     * finder misses about one pixel-perfect code in a hundred at its exact module size (seen with
     * correct codes): like a phone moving closer, it then looks again at other scales, and last
     * reads the image as a bare code (ZXing's PURE_BARCODE: the module grid read exactly, which
     * decodes the rare code whose mask pattern confuses its finder; still only a correct code
     * yields the exact text).
     */
    public static String decode(BufferedImage image) {
        String text = tryDecode(onWhite(image));
        for (double scale : new double[] {0.75, 1.3}) {
            if (text == null) {
                text = tryDecode(onWhite(scaled(image, scale)));
            }
        }
        if (text == null) {
            text = tryDecode(onWhite(image), Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE));
        }
        if (text == null) {
            fail("ZXing found no readable QR code in the image");
        }
        return text;
    }

    public static String tryDecode(BufferedImage image) {
        return tryDecode(image, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE));
    }

    private static String tryDecode(BufferedImage image, Map<DecodeHintType, ?> hints) {
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
        try {
            return new QRCodeReader().decode(bitmap, hints).getText();
        } catch (ReaderException e) {
            return null;
        }
    }

    static BufferedImage scaled(BufferedImage image, double scale) {
        int size = (int) Math.round(image.getWidth() * scale);
        BufferedImage out = new BufferedImage(size, (int) Math.round(image.getHeight() * scale), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, out.getWidth(), out.getHeight(), null);
        g.dispose();
        return out;
    }

    public static BufferedImage onWhite(BufferedImage image) {
        int border = 32;
        BufferedImage page = new BufferedImage(image.getWidth() + 2 * border, image.getHeight() + 2 * border, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = page.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, page.getWidth(), page.getHeight());
        g.drawImage(image, border, border, null);
        g.dispose();
        return page;
    }

    /** Batik draws the SVG at the size it declares. */
    public static BufferedImage rasterise(String svg) throws TranscoderException {
        Raster raster = new Raster();
        TranscoderInput input = new TranscoderInput(new StringReader(svg));
        input.setURI("file:qr.svg");
        raster.transcode(input, new TranscoderOutput());
        return raster.image;
    }

    private static final class Raster extends ImageTranscoder {
        BufferedImage image;

        @Override
        public BufferedImage createImage(int width, int height) {
            return new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        }

        @Override
        public void writeImage(BufferedImage image, TranscoderOutput output) {
            this.image = image;
        }
    }

}
