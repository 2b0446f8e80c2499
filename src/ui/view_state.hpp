#pragma once
// The viewer's session: the open document, what the user picked (sequence, channel, range,
// palette, font size, scroll), and what is derived from those (statistics, line index, visible
// layout). GL-free and ImGui-free, so panels and tests share it; the app reads the revision
// counters to know what to upload.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/document.hpp"
#include "core/palette.hpp"
#include "core/value_stats.hpp"
#include "layout/line_index.hpp"
#include "layout/visible_layout.hpp"

namespace th {

enum class RangeMode { kAuto, kManual };

struct ViewSettings {
  int sequence = 0;
  int channel = 0;
  RangeMode range_mode = RangeMode::kAuto;
  float manual_low = 0.0f;
  float manual_high = 1.0f;
  int font_size = 16;
};

class Session {
 public:
  static constexpr int kPadding = 12;  // pixels around the text, in the window and in PNGs

  explicit Session(Document document);

  // Replaces the document, keeping the palette and font size; the range returns to auto.
  void ReplaceDocument(Document document);
  const Document& Doc() const { return m_document; }

  const ViewSettings& Settings() const { return m_settings; }
  void SelectSequence(int index);
  void SelectChannel(int index);
  void SetAutoRange();
  void SetManualRange(float low, float high);
  void SetFontSize(int pixels);

  const Palette& CurrentPalette() const { return m_palette; }
  uint64_t PaletteRevision() const { return m_palette_revision; }
  void SetPalette(Palette palette);

  const Sequence& CurrentSequence() const;
  const Channel* CurrentChannel() const;  // nullptr when the sequence has no channels
  std::span<const float> CurrentValues() const;
  const ValueStats& CurrentStats() const { return m_stats; }
  // The range the shader uses: the data's min..max in auto mode, the typed numbers otherwise.
  float Low() const;
  float High() const;

  // [Layout] Called once per frame with the heatmap's size; rebuilds only what changed.
  void UpdateLayout(int viewport_width, int viewport_height, GridGeometry geometry);
  const GridGeometry& Geometry() const { return m_geometry; }
  const LineIndex& Lines() const { return m_lines; }
  const VisibleLayout& Visible() const { return m_visible; }
  uint64_t LayoutRevision() const { return m_layout_revision; }
  // Pixel position of the visible layout's row 0 inside the viewport.
  float LayoutOriginY() const;

  // [Scrolling] An integer pixel position in the content: exact at any document length.
  int64_t ScrollPixels() const { return m_scroll_px; }
  int64_t ContentHeight() const;
  int64_t MaxScroll() const;
  void ScrollTo(int64_t pixels);
  void ScrollBy(int64_t pixels) { ScrollTo(m_scroll_px + pixels); }
  void ScrollToToken(uint64_t token);
  int ViewportHeight() const { return m_viewport_height; }

 private:
  void RecomputeStats();
  void InvalidateLines();

  Document m_document;
  ViewSettings m_settings;
  Palette m_palette;
  uint64_t m_palette_revision = 1;
  ValueStats m_stats;

  GridGeometry m_geometry;
  int m_viewport_width = 0;
  int m_viewport_height = 0;
  LineIndex m_lines;
  bool m_lines_valid = false;
  std::optional<uint64_t> m_anchor_token;  // keeps the top token in view across re-wraps
  VisibleLayout m_visible;
  bool m_visible_valid = false;
  uint64_t m_layout_revision = 0;
  int64_t m_scroll_px = 0;
};

}  // namespace th
