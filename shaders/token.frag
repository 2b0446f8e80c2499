// Background and glyphs of a token piece in one pass. The range (uLow, uHigh) and the palette
// are uniforms, so changing either costs no per-token work on the CPU.
in vec2 vLocal;
flat in float vValue;
flat in uint vFlags;
flat in uint vFirstCell;
flat in uint vCellCount;

uniform float uLow;
uniform float uHigh;
uniform sampler1D uPalette;   // 256 entries, linear filtering, clamp to edge
uniform usampler2D uCells;    // display cells, kCellsTextureWidth per row: atlas slot | marker bit
uniform sampler2D uAtlas;     // R8 glyph coverage, slots of uCellSize laid out uSlotsPerRow a row
uniform vec2 uCellSize;
uniform int uSlotsPerRow;

out vec4 fragColour;

const uint kNoValueFlag = 1u;
const uint kMarkerBit = 0x80000000u;
const int kCellsTextureWidth = 4096;
const float kPaletteSize = 256.0;
const float kMarkerCoverage = 0.45;  // whitespace and control markers are drawn dimmer than text

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
  vec3 background;
  if ((vFlags & kNoValueFlag) != 0u) {
    // "No value": diagonal grey hatching, a pattern no palette produces.
    float stripe = mod(floor((gl_FragCoord.x + gl_FragCoord.y) / 3.0), 2.0);
    background = mix(vec3(0.80), vec3(0.62), stripe);
  } else {
    float t = Normalise(vValue);
    background = texture(uPalette, (t * (kPaletteSize - 1.0) + 0.5) / kPaletteSize).rgb;
  }
  vec3 text = ContrastingText(background);

  ivec2 local = ivec2(vLocal);
  int cell_in_piece = min(local.x / int(uCellSize.x), int(vCellCount) - 1);
  int cell_index = int(vFirstCell) + cell_in_piece;
  uint cell = texelFetch(uCells, ivec2(cell_index % kCellsTextureWidth, cell_index / kCellsTextureWidth), 0).r;
  int slot = int(cell & ~kMarkerBit);
  ivec2 slot_origin = ivec2(slot % uSlotsPerRow, slot / uSlotsPerRow) * ivec2(uCellSize);
  ivec2 in_cell = ivec2(local.x - cell_in_piece * int(uCellSize.x), local.y);
  float coverage = texelFetch(uAtlas, slot_origin + in_cell, 0).r;
  if ((cell & kMarkerBit) != 0u) coverage *= kMarkerCoverage;
  fragColour = vec4(mix(background, text, coverage), 1.0);
}
