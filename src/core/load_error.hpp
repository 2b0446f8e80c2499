#pragma once
// Errors at the I/O boundary. what() is one line that names the file and the place
// ("data.json:3:14: values[2] is not a number"), ready for stderr or a message box.

#include <stdexcept>
#include <string>

namespace th {

class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace th
