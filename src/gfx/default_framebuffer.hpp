#pragma once
// The window's own framebuffer: cleared before ImGui draws into it, and read back for
// screenshots (--screenshot) and the window test.

#include <cstdint>
#include <vector>

namespace th::gl {

void ClearDefaultFramebuffer(int width, int height);
// RGBA8, rows top-down, of the back buffer (call before the swap).
std::vector<uint8_t> ReadDefaultFramebuffer(int width, int height);
// The same of whatever framebuffer is bound.
std::vector<uint8_t> ReadBoundFramebuffer(int width, int height);

}  // namespace th::gl
