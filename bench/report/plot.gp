# Accuracy against image bytes for bench/report/run.sh: every image a labelled point, the Pareto front a line.
# gnuplot -e "points='...'; front='...'; out='....png'; title='snips'" plot.gp
set terminal pngcairo size 900,560 font "sans,11"
set output out
set title sprintf("%s: accuracy of the image against its size (Pareto front in red)", title)
set xlabel "image bytes (KiB)"
set ylabel "test accuracy, full depth (%)"
set grid
set key bottom right
set offsets graph 0.08, graph 0.12, graph 0.08, graph 0.08
# the front as the best accuracy reachable within a byte budget: a staircase through its points
plot front using 1:2 with steps lw 2 lc rgb "#c0392b" title "Pareto front", \
     front using 1:2 with points pt 7 ps 1.8 lc rgb "#c0392b" notitle, \
     points using 1:2 with points pt 7 ps 1.0 lc rgb "#2c3e50" title "image", \
     points using 1:2:3 with labels rotate by 35 left offset char 0.6,0.6 font "sans,10" notitle
