// A minimal SVG writer for the optimizer's report charts: shapes, text and linear plot axes.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ola::opt::svg {

/// A document under construction. Thread safety: a plain value.
struct Svg {
  double width = 640, height = 400;
  std::string body;  ///< accumulated elements
};

/// Escapes &, <, >, " for SVG text and attributes.
std::string escape(const std::string& s);

void line(Svg& s, double x1, double y1, double x2, double y2, const std::string& stroke, double width = 1.0,
          const std::string& dash = "");
void polyline(Svg& s, const std::vector<std::pair<double, double>>& pts, const std::string& stroke, double width = 1.5);
void rect(Svg& s, double x, double y, double w, double h, const std::string& fill, const std::string& title = "");
void circle(Svg& s, double x, double y, double r, const std::string& fill, const std::string& title = "");
/// anchor: "start", "middle" or "end".
void text(Svg& s, double x, double y, const std::string& t, double size = 12, const std::string& anchor = "start",
          double rotate = 0);

/// The complete document.
std::string to_string(const Svg& s);

/// Linear mapping of data coordinates onto a plot rectangle (y grows upwards in data).
struct Axes {
  double left = 70, top = 40, width = 520, height = 290;  ///< plot rectangle in pixels
  double xmin = 0, xmax = 1, ymin = 0, ymax = 1;
  double px(double x) const { return left + (x - xmin) / (xmax - xmin) * width; }
  double py(double y) const { return top + height - (y - ymin) / (ymax - ymin) * height; }
};

/// Frame, 5 ticks per axis with labels, axis titles and a chart title.
void draw_axes(Svg& s, const Axes& a, const std::string& xlabel, const std::string& ylabel, const std::string& title);

/// "Nice" axis bounds: [lo, hi] widened to round numbers (hi > lo after the call).
std::pair<double, double> nice_range(double lo, double hi);

}  // namespace ola::opt::svg
