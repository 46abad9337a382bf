package dev.igme.link.qr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

import dev.igme.testing.QrImages;

/**
 * Every image is read back by ZXing's QR reader and must give exactly the URL it was made from;
 * SVGs are first rasterised by Batik, an independent SVG renderer.
 */
class QrCodesTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final String REF_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=";
    /** A direct ig.me link with a 300-character ref drawn from every character a ref may hold. */
    static final String LONG_IG_ME = "https://ig.me/m/igme.shop?ref=" + ref(300, 7);
    static final String TRACKED = "https://links.example.com/r/01JD3X7Q9ZK4M2?src=pack";
    static final String SHORT_IG_ME = "https://ig.me/m/igme.shop?ref=pack-qr_spring=42";

    static Stream<Arguments> urlsLevelsMargins() {
        List<Arguments> cases = new ArrayList<>();
        for (String url : List.of(LONG_IG_ME, TRACKED, SHORT_IG_ME)) {
            for (QrOptions.Ecc ecc : QrOptions.Ecc.values()) {
                for (int margin : new int[] {0, 4}) {
                    cases.add(Arguments.of(url, ecc, margin));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{1} margin {2}: {0}")
    @MethodSource("urlsLevelsMargins")
    void pngDecodesToExactlyTheUrl(String url, QrOptions.Ecc ecc, int margin) throws IOException {
        QrOptions options = new QrOptions(512, ecc, margin);
        byte[] png = QrCodes.png(url, options);

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(512, image.getWidth());
        assertEquals(512, image.getHeight());
        assertEquals(url, QrImages.decode(image));
    }

    @ParameterizedTest(name = "{1} margin {2}: {0}")
    @MethodSource("urlsLevelsMargins")
    void svgRasterisedDecodesToExactlyTheUrl(String url, QrOptions.Ecc ecc, int margin) throws Exception {
        QrOptions options = new QrOptions(512, ecc, margin);
        String svg = QrCodes.svg(url, options);

        BufferedImage image = QrImages.rasterise(svg);
        assertEquals(512, image.getWidth());
        assertEquals(512, image.getHeight());
        assertEquals(url, QrImages.decode(image));
    }

    @Test
    void pngIsOneBitGrayscaleOfExactlyTheSize() {
        for (int size : new int[] {QrOptions.MIN_SIZE, 333, 512, 1000}) {
            byte[] png = QrCodes.png(SHORT_IG_ME, new QrOptions(size, QrOptions.Ecc.M, 4));
            // IHDR follows the 8-byte signature and the chunk's length and type: width, height, bit depth, colour type.
            assertEquals(size, readInt(png, 16), "width");
            assertEquals(size, readInt(png, 20), "height");
            assertEquals(1, png[24], "bit depth");
            assertEquals(0, png[25], "colour type: grayscale");
        }
    }

    @Test
    void pngModulesAreWholePixelsAndTheLeftoverWidensTheQuietZone() throws IOException {
        // The short URL (47 bytes) at level M is a version-4 code, 33 modules; with a margin of 4, 41.
        assertTrue(QrCodes.svg(SHORT_IG_ME, new QrOptions(369, QrOptions.Ecc.M, 4)).contains("viewBox=\"0 0 41 41\""));
        // 369 px / 41 = 9 px per module exactly: the code starts after 4 × 9 px.
        assertEquals(List.of(36, 332), darkBounds(QrCodes.png(SHORT_IG_ME, new QrOptions(369, QrOptions.Ecc.M, 4))));
        // 375 px leaves 6 px over: 3 more on the top/left, 3 on the bottom/right.
        assertEquals(List.of(39, 335), darkBounds(QrCodes.png(SHORT_IG_ME, new QrOptions(375, QrOptions.Ecc.M, 4))));
        // 376 px leaves 7: 3 on the top/left, 4 on the bottom/right.
        assertEquals(List.of(39, 335), darkBounds(QrCodes.png(SHORT_IG_ME, new QrOptions(376, QrOptions.Ecc.M, 4))));
        // Margin 0: 369 px / 33 = 11 px per module, 6 px over, 3 on each side.
        assertEquals(List.of(3, 365), darkBounds(QrCodes.png(SHORT_IG_ME, new QrOptions(369, QrOptions.Ecc.M, 0))));
    }

    @Test
    void svgIsAStandaloneDocumentSizedInPixelsWithAViewBoxInModules() throws Exception {
        String svg = QrCodes.svg(SHORT_IG_ME, new QrOptions(640, QrOptions.Ecc.M, 4));

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Element root = factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg))).getDocumentElement();
        assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());
        assertEquals("svg", root.getLocalName());
        assertEquals("640", root.getAttribute("width"));
        assertEquals("640", root.getAttribute("height"));
        assertEquals("0 0 41 41", root.getAttribute("viewBox"));
        assertEquals("crispEdges", root.getAttribute("shape-rendering"));
        assertEquals(1, root.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect").getLength());
        assertEquals(1, root.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path").getLength());
        assertFalse(svg.contains("ig.me"), "the content is not written into the SVG");
    }

    @Test
    void aLongUrlFitsAtLevelLButNotAtLevelH() throws IOException {
        String url = "https://ig.me/m/igme.shop?ref=" + ref(1500, 11);
        assertEquals(url, QrImages.decode(ImageIO.read(new ByteArrayInputStream(QrCodes.png(url, new QrOptions(1024, QrOptions.Ecc.L, 4))))));

        QrOptions.Invalid png = assertThrows(QrOptions.Invalid.class, () -> QrCodes.png(url, new QrOptions(1024, QrOptions.Ecc.H, 4)));
        assertEquals("target", png.field());
        assertTrue(png.getMessage().contains("too long"), png.getMessage());
        QrOptions.Invalid svg = assertThrows(QrOptions.Invalid.class, () -> QrCodes.svg(url, new QrOptions(1024, QrOptions.Ecc.H, 4)));
        assertEquals("target", svg.field());
    }

    @Test
    void aSizeWithLessThanAPixelPerModuleIsRefusedForBothFormats() {
        // The long URL at level H needs more than 64 modules with its margin.
        QrOptions small = new QrOptions(QrOptions.MIN_SIZE, QrOptions.Ecc.H, 4);
        QrOptions.Invalid png = assertThrows(QrOptions.Invalid.class, () -> QrCodes.png(LONG_IG_ME, small));
        assertEquals("size", png.field());
        assertTrue(png.getMessage().startsWith("size must be at least "), png.getMessage());
        assertEquals("size", assertThrows(QrOptions.Invalid.class, () -> QrCodes.svg(LONG_IG_ME, small)).field());
    }

    @Test
    void emptyContentIsRefused() {
        assertEquals("target", assertThrows(QrOptions.Invalid.class, () -> QrCodes.png("", QrOptions.DEFAULTS)).field());
        assertEquals("target", assertThrows(QrOptions.Invalid.class, () -> QrCodes.svg(null, QrOptions.DEFAULTS)).field());
    }

    @Test
    void nonAsciiContentRoundTripsAsUtf8() throws Exception {
        String text = "https://example.com/ünïcödé/店";
        assertEquals(text, QrImages.decode(ImageIO.read(new ByteArrayInputStream(QrCodes.png(text, QrOptions.DEFAULTS)))));
        assertEquals(text, QrImages.decode(QrImages.rasterise(QrCodes.svg(text, QrOptions.DEFAULTS))));
    }

    /** The reader used above does not accept any image: a negative of a good code does not read. */
    @Test
    void theReaderRejectsAnInvertedCode() throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(QrCodes.png(TRACKED, QrOptions.DEFAULTS)));
        assertEquals(TRACKED, QrImages.decode(image));
        BufferedImage inverted = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                inverted.setRGB(x, y, ~image.getRGB(x, y) | 0xFF000000);
            }
        }
        assertEquals(null, QrImages.tryDecode(inverted));
        assertThrows(AssertionError.class, () -> QrImages.decode(inverted), "no fallback of the reader reads a wrong image");
    }

    /** Left/top and right/bottom edges of the dark pixels of a PNG (the code is square and centred). */
    private static List<Integer> darkBounds(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int min = Integer.MAX_VALUE;
        int max = -1;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == 0) {
                    min = Math.min(min, Math.min(x, y));
                    max = Math.max(max, Math.max(x, y));
                }
            }
        }
        return List.of(min, max);
    }

    private static int readInt(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 24) | ((bytes[at + 1] & 0xFF) << 16) | ((bytes[at + 2] & 0xFF) << 8) | (bytes[at + 3] & 0xFF);
    }

    private static String ref(int length, long seed) {
        Random random = new Random(seed);
        StringBuilder ref = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            ref.append(REF_ALPHABET.charAt(random.nextInt(REF_ALPHABET.length())));
        }
        return ref.toString();
    }
}
