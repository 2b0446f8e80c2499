// One instance per token piece: a box of `cells` grid cells on row `row`. The four corners come
// from gl_VertexID (a triangle strip), so no vertex buffer is needed besides the instances. The
// colours are per token, so they are computed here, four times per token, rather than for
// every pixel: the mapping (uniforms) and the palette (a texture) change without any per-token
// work on the CPU. The constants shared with C++ (k...Flag, kLinear, kLog, kBuckets,
// kMaxThresholds) are declared in the prefix BuildProgram puts before this file, generated from
// src/layout/shader_constants.hpp, and value_colour.glsl follows them.
layout(location = 0) in uvec4 aCell;       // column, row, cells, flags
layout(location = 1) in float aValue;      // raw channel value
layout(location = 2) in uint aFirstCell;   // index of the piece's first display cell
layout(location = 3) in float aUnderline;  // second channel's raw value (NaN: none)

uniform vec2 uViewportSize;  // pixels
uniform vec2 uOrigin;        // pixel position of row 0, column 0 (padding minus scroll)
uniform vec2 uCellSize;      // cell width, cell height
uniform float uLinePitch;    // cell height + gap between lines
uniform float uTokenGap;     // canvas pixels left between neighbouring boxes

// The mapping's uniforms, MapValue and PaletteColour come from value_colour.glsl.
uniform bool uUnderline;          // a second channel is drawn as an underline
uniform float uUnderlineLow;      // its linear range
uniform float uUnderlineHigh;
uniform sampler1D uUnderlinePalette;
uniform vec3 uCanvas;             // the colour around the boxes

out vec2 vLocal;               // pixel position inside the box, from its top-left corner
flat out vec3 vBackground;
flat out vec3 vText;
flat out uint vFlags;
flat out uint vFirstCell;
flat out uint vCellCount;
flat out int vClipped;         // -1 below the range, +1 above, 0 inside
flat out vec2 vBoxSize;        // pixels
flat out vec3 vUnderlineColour;
flat out float vUnderlineThickness;  // pixels, 0 for none

const float kMaxUnderline = 4.0;  // pixels: the second channel's maximum draws this thick

float Linear(float c) {
  return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

// Mirrors th::ContrastingTextColour: black or white, whichever has the higher WCAG contrast.
vec3 ContrastingText(vec3 background) {
  float l = 0.2126 * Linear(background.r) + 0.7152 * Linear(background.g) + 0.0722 * Linear(background.b);
  float against_white = 1.05 / (l + 0.05);
  float against_black = (l + 0.05) / 0.05;
  return against_black >= against_white ? vec3(0.0) : vec3(1.0);
}

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
  vec2 size = vec2(float(aCell.z) * uCellSize.x - uTokenGap, uCellSize.y);
  vec2 top_left = uOrigin + vec2(float(aCell.x) * uCellSize.x, float(aCell.y) * uLinePitch);
  vec2 pixel = top_left + corner * size;
  vLocal = corner * size;
  vBoxSize = size;
  vFlags = aCell.w;
  vFirstCell = aFirstCell;
  vCellCount = aCell.z;
  vClipped = 0;
  if ((aCell.w & (kPlainTextFlag | kPaletteRampFlag | kUnmeasuredFlag)) != 0u) {
    // A caption's or legend's text, or a token without a value by design, on the canvas; a
    // ramp's background is drawn per pixel.
    vBackground = uCanvas;
    vText = ContrastingText(uCanvas);
  } else if ((aCell.w & kNoValueFlag) != 0u) {
    vBackground = vec3(0.0);  // the fragment shader hatches these; the text is black on grey
    vText = vec3(0.0);
  } else {
    int clipped;
    float t = MapValue(aValue, clipped);
    vClipped = clipped;
    vBackground = PaletteColour(t);
    vText = ContrastingText(vBackground);
  }
  // The second channel: thickness and colour both grow with its value (min-max of its range).
  vUnderlineThickness = 0.0;
  vUnderlineColour = vec3(0.0);
  if (uUnderline && !isnan(aUnderline) && !isinf(aUnderline)) {
    float u = uUnderlineHigh > uUnderlineLow ? clamp((aUnderline - uUnderlineLow) / (uUnderlineHigh - uUnderlineLow), 0.0, 1.0)
                                             : 0.5;
    vUnderlineThickness = 1.0 + floor(u * (kMaxUnderline - 1.0) + 0.5);
    vUnderlineColour = texture(uUnderlinePalette, u).rgb;
  }
  // Pixels grow downwards; clip space grows upwards.
  gl_Position = vec4(pixel.x / uViewportSize.x * 2.0 - 1.0, 1.0 - pixel.y / uViewportSize.y * 2.0, 0.0, 1.0);
}
