import { expect } from "@esm-bundle/chai";
import { clampToPage, containedBox, mapToPage } from "../../viewer/src/input/input-mapper.js";

describe("input-mapper", () => {
  const page = { width: 1280, height: 720 };

  describe("mapToPage", () => {
    it("maps an exact fit 1:1 after the element's offset", () => {
      const rect = { left: 10, top: 20, width: 1280, height: 720 };
      expect(mapToPage(10, 20, rect, page)).to.deep.equal({ x: 0, y: 0 });
      expect(mapToPage(10 + 333, 20 + 444, rect, page)).to.deep.equal({ x: 333, y: 444 });
      expect(mapToPage(10 + 1280, 20 + 720, rect, page)).to.deep.equal({ x: 1280, y: 720 });
    });

    it("scales an exact fit of another size", () => {
      const rect = { left: 0, top: 0, width: 640, height: 360 };
      expect(mapToPage(320, 180, rect, page)).to.deep.equal({ x: 640, y: 360 });
      expect(mapToPage(100.3, 50.1, rect, page)).to.deep.equal({ x: 200.6, y: 100.2 });
    });

    it("accounts for letter bars (element taller than the picture)", () => {
      // 400x400 element, 16:9 picture: scale 0.3125, picture 400x225, bars of 87.5 px above and below.
      const rect = { left: 0, top: 0, width: 400, height: 400 };
      expect(mapToPage(200, 200, rect, page)).to.deep.equal({ x: 640, y: 360 });
      expect(mapToPage(0, 87.5, rect, page)).to.deep.equal({ x: 0, y: 0 });
      expect(mapToPage(100, 143.75, rect, page)).to.deep.equal({ x: 320, y: 180 });
      expect(mapToPage(400, 312.5, rect, page)).to.deep.equal({ x: 1280, y: 720 });
    });

    it("accounts for pillar bars (element wider than the picture)", () => {
      // 1000x360 element: scale 0.5, picture 640x360, bars of 180 px left and right.
      const rect = { left: 50, top: 100, width: 1000, height: 360 };
      expect(mapToPage(50 + 500, 100 + 180, rect, page)).to.deep.equal({ x: 640, y: 360 });
      expect(mapToPage(50 + 180, 100, rect, page)).to.deep.equal({ x: 0, y: 0 });
      expect(mapToPage(50 + 820, 100 + 360, rect, page)).to.deep.equal({ x: 1280, y: 720 });
    });

    it("returns null for points in a bar or outside the element", () => {
      const tall = { left: 0, top: 0, width: 400, height: 400 };
      expect(mapToPage(200, 40, tall, page)).to.equal(null);
      expect(mapToPage(200, 87.4, tall, page)).to.equal(null);
      expect(mapToPage(200, 360, tall, page)).to.equal(null);
      const wide = { left: 50, top: 100, width: 1000, height: 360 };
      expect(mapToPage(50 + 100, 100 + 180, wide, page)).to.equal(null);
      expect(mapToPage(50 + 900, 100 + 180, wide, page)).to.equal(null);
      expect(mapToPage(-5, 200, tall, page)).to.equal(null);
    });

    it("letterboxes by the picture's shape and scales to the page when they differ", () => {
      // A 640x360 stream of a 1280x720 page (scaled down), shown in a 400x400 element.
      const rect = { left: 0, top: 0, width: 400, height: 400 };
      expect(mapToPage(200, 200, rect, page, { width: 640, height: 360 })).to.deep.equal({ x: 640, y: 360 });
      // A 4:3 picture in a 400x400 element has bars of 50 px; the page is 1024x768.
      const page43 = { width: 1024, height: 768 };
      expect(mapToPage(200, 40, rect, page43, { width: 800, height: 600 })).to.equal(null);
      expect(mapToPage(0, 50, rect, page43, { width: 800, height: 600 })).to.deep.equal({ x: 0, y: 0 });
    });

    it("returns null for empty sizes", () => {
      expect(mapToPage(0, 0, { left: 0, top: 0, width: 0, height: 100 }, page)).to.equal(null);
      expect(mapToPage(0, 0, { left: 0, top: 0, width: 100, height: 100 }, { width: 0, height: 0 })).to.equal(null);
    });
  });

  describe("clampToPage", () => {
    it("moves points in a bar or outside to the nearest edge of the page", () => {
      const rect = { left: 0, top: 0, width: 400, height: 400 };
      expect(clampToPage(200, 10, rect, page)).to.deep.equal({ x: 640, y: 0 });
      expect(clampToPage(-100, 390, rect, page)).to.deep.equal({ x: 0, y: 720 });
      expect(clampToPage(900, 200, rect, page)).to.deep.equal({ x: 1280, y: 360 });
      expect(clampToPage(100, 143.75, rect, page)).to.deep.equal({ x: 320, y: 180 });
    });
  });

  describe("containedBox", () => {
    it("centres the picture", () => {
      expect(containedBox({ left: 0, top: 0, width: 400, height: 400 }, page)).to.deep.equal({
        left: 0,
        top: 87.5,
        width: 400,
        height: 225,
      });
    });
  });
});
