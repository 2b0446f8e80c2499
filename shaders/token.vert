// One instance per token piece: a box of `cells` grid cells on row `row`. The four corners come
// from gl_VertexID (a triangle strip), so no vertex buffer is needed besides the instances. The
// colours are per token, so they are computed here, four times per token, rather than for
// every pixel: the range (uLow, uHigh) and the palette are uniforms, and changing either costs
// no per-token work on the CPU.
layout(location = 0) in uvec4 aCell;       // column, row, cells, flags
layout(location = 1) in float aValue;      // raw channel value
layout(location = 2) in uint aFirstCell;   // index of the piece's first display cell

uniform vec2 uViewportSize;  // pixels
uniform vec2 uOrigin;        // pixel position of row 0, column 0 (padding minus scroll)
uniform vec2 uCellSize;      // cell width, cell height
uniform float uLinePitch;    // cell height + gap between lines
uniform float uTokenGap;     // canvas pixels left between neighbouring boxes
uniform float uLow;
uniform float uHigh;
uniform sampler1D uPalette;  // 256 entries, linear filtering, clamp to edge

out vec2 vLocal;             // pixel position inside the box, from its top-left corner
flat out vec3 vBackground;
flat out vec3 vText;
flat out uint vFlags;
flat out uint vFirstCell;
flat out uint vCellCount;

const uint kNoValueFlag = 1u;
const float kPaletteSize = 256.0;

// Mirrors th::NormaliseValue: clamped min-max, and the palette's middle when hi == lo.
float Normalise(float x) {
  if (!(uHigh > uLow)) return 0.5;
  return clamp((x - uLow) / (uHigh - uLow), 0.0, 1.0);
}

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
  vFlags = aCell.w;
  vFirstCell = aFirstCell;
  vCellCount = aCell.z;
  if ((aCell.w & kNoValueFlag) != 0u) {
    vBackground = vec3(0.0);  // the fragment shader hatches these; the text is black on grey
    vText = vec3(0.0);
  } else {
    float t = Normalise(aValue);
    vBackground = texture(uPalette, (t * (kPaletteSize - 1.0) + 0.5) / kPaletteSize).rgb;
    vText = ContrastingText(vBackground);
  }
  // Pixels grow downwards; clip space grows upwards.
  gl_Position = vec4(pixel.x / uViewportSize.x * 2.0 - 1.0, 1.0 - pixel.y / uViewportSize.y * 2.0, 0.0, 1.0);
}
