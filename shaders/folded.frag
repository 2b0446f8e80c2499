// The zoomed-out view, per pixel: the grid texture holds one texel per cell column of each laid-out
// line (th::FoldedValueGrid, src/layout/folded_layout.hpp), the folded block's reduced raw value
// repeated over the block's cells, so this pass costs the same at any text size and any number of
// blocks. A value is mapped and coloured by value_colour.glsl, as token.vert colours a box; a NaN
// texel is a block without a value (hatched as token.frag hatches it), kFoldedCanvasBits (+Inf) is
// canvas: past a line's end and blocks of unmeasured tokens. The pixels between lines (line_gap)
// are canvas too. Which pixel belongs to which texel follows the boxes token.vert would draw: a
// pixel whose centre lies in [origin + (column, row) * (cell width, line pitch), + (cell width,
// cell height)).
uniform vec2 uViewportSize;  // pixels
uniform vec2 uOrigin;        // pixel position of row 0, column 0 (padding minus scroll)
uniform vec2 uCellSize;      // cell width, cell height
uniform float uLinePitch;    // cell height + gap between lines
uniform vec3 uCanvas;
uniform sampler2D uGrid;     // R32F: width cells x height lines

out vec4 fragColour;

void main() {
  // The pixel's centre relative to the grid's origin, y growing downwards.
  vec2 at = vec2(gl_FragCoord.x, uViewportSize.y - gl_FragCoord.y) - uOrigin;
  float row = floor(at.y / uLinePitch);
  float column = floor(at.x / uCellSize.x);
  ivec2 texel = clamp(ivec2(int(column), int(row)), ivec2(0), textureSize(uGrid, 0) - 1);
  float value = texelFetch(uGrid, texel, 0).r;
  uint bits = floatBitsToUint(value);
  vec3 colour;
  if (bits == kFoldedCanvasBits || at.y - row * uLinePitch >= uCellSize.y) {
    colour = uCanvas;
  } else if ((bits & kFoldedCanvasBits) == kFoldedCanvasBits) {
    // Every exponent bit set: not finite, and not the canvas's +Inf, so NaN: no value.
    colour = NoValueHatch(gl_FragCoord.xy);
  } else {
    int clipped;  // folded blocks draw no clipping notch
    colour = PaletteColour(MapValue(value, clipped));
  }
  fragColour = vec4(colour, 1.0);
}
