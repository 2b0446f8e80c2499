// Background and glyphs of a token piece in one pass: the colours arrive per token from the
// vertex shader; here only the glyph coverage is looked up, per pixel. The constants shared with
// C++ (k...Flag, kMarkerBit, kCellsTextureWidth, kMarkerCoverage, kNotch) are declared in the
// prefix BuildProgram puts before this file, generated from src/layout/shader_constants.hpp;
// value_colour.glsl (uPalette, the hatching) follows them.
in vec2 vLocal;
flat in vec3 vBackground;
flat in vec3 vText;
flat in uint vFlags;
flat in uint vFirstCell;
flat in uint vCellCount;
flat in int vClipped;
flat in vec2 vBoxSize;
flat in vec3 vUnderlineColour;
flat in float vUnderlineThickness;

uniform usampler2D uCells;    // display cells, kCellsTextureWidth per row: atlas slot | marker bit
uniform sampler2D uAtlas;     // R8 glyph coverage, slots of uCellSize laid out uSlotsPerRow a row
uniform vec2 uCellSize;
uniform int uSlotsPerRow;

out vec4 fragColour;

void main() {
  vec3 background = vBackground;
  if ((vFlags & kNoValueFlag) != 0u) {
    // "No value": hatched (value_colour.glsl).
    background = NoValueHatch(gl_FragCoord.xy);
  }
#ifdef TH_PALETTE_RAMPS
  // Compiled only into the program that draws legends: llvmpipe runs a branch for every pixel
  // whether or not any box takes it, and this one cost the heatmap ~3 ms a 1080p frame.
  if ((vFlags & kPaletteRampFlag) != 0u) {
    // A legend's gradient: the first pixel column is the palette's low end, the last its high
    // end, sampled as the vertex shader samples a token's colour.
    float t = clamp((vLocal.x - 0.5) / max(vBoxSize.x - 1.0, 1.0), 0.0, 1.0);
    background = PaletteColour(t);
  }
#endif

  // Whole pixels and cells in float arithmetic (exact for these small integers): llvmpipe runs
  // an integer division lane by lane, and these ran for every pixel.
  vec2 local = floor(vLocal);
  float cell_in_piece = min(floor(local.x / uCellSize.x), float(vCellCount) - 1.0);
  uint cell_index = vFirstCell + uint(cell_in_piece);
  uint cell = texelFetch(uCells, ivec2(cell_index & uint(kCellsTextureWidth - 1), cell_index / uint(kCellsTextureWidth)), 0).r;
  float slot = float(cell & ~kMarkerBit);
  float slot_row = floor(slot / float(uSlotsPerRow));
  vec2 slot_origin = vec2(slot - slot_row * float(uSlotsPerRow), slot_row) * uCellSize;
  vec2 in_cell = vec2(local.x - cell_in_piece * uCellSize.x, local.y);
  float coverage = texelFetch(uAtlas, ivec2(slot_origin + in_cell), 0).r;
  if ((cell & kMarkerBit) != 0u) coverage *= kMarkerCoverage;
  // A value the range clipped gets a notch (top-right corner: above, bottom-left: below), so a
  // saturated colour is never mistaken for a measured extreme.
  if (vClipped > 0 && (vBoxSize.x - vLocal.x) + vLocal.y < kNotch) coverage = 1.0;
  if (vClipped < 0 && vLocal.x + (vBoxSize.y - vLocal.y) < kNotch) coverage = 1.0;
  // A block folded from many tokens (zoomed far out) is a few pixels: its colour alone.
  if ((vFlags & kFoldedBlockFlag) != 0u) coverage = 0.0;
  vec3 colour = mix(background, vText, coverage);
  // Special tokens (<|endoftext|>, [CLS]...) get a dotted frame in the text colour, the attention
  // source a solid one of kSourceFrame pixels (one branch for both: llvmpipe pays per branch).
  if ((vFlags & (kSpecialTokenFlag | kSourceTokenFlag)) != 0u) {
    float width = (vFlags & kSourceTokenFlag) != 0u ? kSourceFrame : 1.0;
    bool edge = vLocal.x < width || vLocal.y < width || vBoxSize.x - vLocal.x < width || vBoxSize.y - vLocal.y < width;
    bool dotted = (vFlags & kSourceTokenFlag) == 0u;
    if (edge && (!dotted || mod(floor(vLocal.x) + floor(vLocal.y), 3.0) < 1.5)) colour = vText;
  }
  if (vBoxSize.y - vLocal.y <= vUnderlineThickness) colour = vUnderlineColour;
  fragColour = vec4(colour, 1.0);
}
