// The zoomed-out view (text sizes below kMinGlyphFontSize) in one quad: the rectangle of the
// folded grid, uRect, whatever the number of blocks in it. folded.frag colours its pixels from
// the grid texture. The corners come from gl_VertexID (a triangle strip), as token.vert's do.
uniform vec2 uViewportSize;  // pixels
uniform vec4 uRect;          // the grid's left, top, width and height in pixels

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
  vec2 pixel = uRect.xy + corner * uRect.zw;
  // Pixels grow downwards; clip space grows upwards.
  gl_Position = vec4(pixel.x / uViewportSize.x * 2.0 - 1.0, 1.0 - pixel.y / uViewportSize.y * 2.0, 0.0, 1.0);
}
