// One instance per token piece: a box of `cells` grid cells on row `row`. The four corners come
// from gl_VertexID (a triangle strip), so no vertex buffer is needed besides the instances.
layout(location = 0) in uvec4 aCell;       // column, row, cells, flags
layout(location = 1) in float aValue;      // raw channel value
layout(location = 2) in uint aFirstCell;   // index of the piece's first display cell

uniform vec2 uViewportSize;  // pixels
uniform vec2 uOrigin;        // pixel position of row 0, column 0 (padding minus scroll)
uniform vec2 uCellSize;      // cell width, cell height
uniform float uLinePitch;    // cell height + gap between lines
uniform float uTokenGap;     // canvas pixels left between neighbouring boxes

out vec2 vLocal;             // pixel position inside the box, from its top-left corner
flat out float vValue;
flat out uint vFlags;
flat out uint vFirstCell;
flat out uint vCellCount;

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
  vec2 size = vec2(float(aCell.z) * uCellSize.x - uTokenGap, uCellSize.y);
  vec2 top_left = uOrigin + vec2(float(aCell.x) * uCellSize.x, float(aCell.y) * uLinePitch);
  vec2 pixel = top_left + corner * size;
  vLocal = corner * size;
  vValue = aValue;
  vFlags = aCell.w;
  vFirstCell = aFirstCell;
  vCellCount = aCell.z;
  // Pixels grow downwards; clip space grows upwards.
  gl_Position = vec4(pixel.x / uViewportSize.x * 2.0 - 1.0, 1.0 - pixel.y / uViewportSize.y * 2.0, 0.0, 1.0);
}
