/** A QR code of the join URL, drawn on a canvas. */
import { useEffect, useRef } from "react";
import QRCode from "qrcode";

export function QrCode({ text, size, label }: { text: string; size: number; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    QRCode.toCanvas(canvas.current, text, {
      width: size,
      margin: 2,
      errorCorrectionLevel: "M",
      color: { dark: "#000000", light: "#ffffff" },
    }).catch(
      () => undefined, // the URL is always encodable; nothing useful to show otherwise
    );
  }, [text, size]);
  return <canvas ref={canvas} width={size} height={size} role="img" aria-label={label} className="qr" />;
}
