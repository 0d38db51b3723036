package dev.stowage.render;

import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import org.w3c.dom.Node;

/**
 * A GIF's logical screen and where its first frame sits on it. ImageIO reads a frame alone (its own size);
 * libvips (libnsgif) renders it onto the screen and reports the screen's size; around the frame the screen is
 * transparent when the GIF has a transparent colour, black when it has none. The Java renderer does the same, so
 * both see the same picture at the same size. A frame reaching past the screen
 * widens the canvas, as libnsgif does.
 */
record GifCanvas(int width, int height, Rectangle frame) {

    static GifCanvas of(ImageReader reader) throws IOException {
        Rectangle frame = new Rectangle(0, 0, reader.getWidth(0), reader.getHeight(0));
        int screenWidth = 0;
        int screenHeight = 0;
        IIOMetadata stream = reader.getStreamMetadata();
        if (stream != null) {
            Node screen = child(stream.getAsTree("javax_imageio_gif_stream_1.0"), "LogicalScreenDescriptor");
            screenWidth = attribute(screen, "logicalScreenWidth");
            screenHeight = attribute(screen, "logicalScreenHeight");
        }
        IIOMetadata image = reader.getImageMetadata(0);
        if (image != null) {
            Node descriptor = child(image.getAsTree("javax_imageio_gif_image_1.0"), "ImageDescriptor");
            frame.setLocation(attribute(descriptor, "imageLeftPosition"), attribute(descriptor, "imageTopPosition"));
        }
        return new GifCanvas(Math.max(screenWidth, frame.x + frame.width), Math.max(screenHeight,
                frame.y + frame.height), frame);
    }

    boolean frameFillsIt() {
        return frame.x == 0 && frame.y == 0 && frame.width == width && frame.height == height;
    }

    /** The first frame drawn on the screen, subsampled as the plain path would, cut to {@code region}. */
    BufferedImage firstFrame(ImageReader reader, Rectangle region, int outWidth, int outHeight) {
        int sx = JavaRenderer.subsampling(region.width, outWidth);
        int sy = JavaRenderer.subsampling(region.height, outHeight);
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceSubsampling(sx, sy, 0, 0);
        BufferedImage pixels = JavaRenderer.read(reader, SourceFormat.GIF, param);
        // libnsgif leaves the screen transparent if the GIF has a transparent colour, else black.
        boolean transparent = pixels.getColorModel().hasAlpha();
        BufferedImage screen = new BufferedImage(Math.ceilDiv(width, sx), Math.ceilDiv(height, sy),
                transparent ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = screen.createGraphics();
        try {
            g.drawImage(pixels, frame.x / sx, frame.y / sy, null);
        } finally {
            g.dispose();
        }
        int x = Math.min(region.x / sx, screen.getWidth() - 1);
        int y = Math.min(region.y / sy, screen.getHeight() - 1);
        return screen.getSubimage(x, y, Math.clamp(Math.ceilDiv(region.width, sx), 1, screen.getWidth() - x),
                Math.clamp(Math.ceilDiv(region.height, sy), 1, screen.getHeight() - y));
    }

    private static Node child(Node parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return n;
            }
        }
        return new IIOMetadataNode(name);
    }

    private static int attribute(Node node, String name) {
        Node value = node.getAttributes() == null ? null : node.getAttributes().getNamedItem(name);
        return value == null ? 0 : Integer.parseInt(value.getNodeValue());
    }
}
