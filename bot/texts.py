"""Every sentence the bot itself says, per language (Vietnamese first, English second).

Placeholders in braces are filled from keyword arguments; `{hotline.commune}`-style keys are
filled from the knowledge base's locality file by `bot.render.fill`.
"""

from __future__ import annotations

import re

_SIMPLE = re.compile(r"\{(\w+)\}")

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "documents": "📄 Hồ sơ cần chuẩn bị:",
        "button.documents": "📄 Hồ sơ cần chuẩn bị",
        "button.steps": "🧭 Các bước",
        "button.legal": "⚖️ Căn cứ pháp lý",
        "steps": "🧭 Các bước:",
        "where": "📍 Nơi nộp:",
        "fee": "💰 Phí, lệ phí:",
        "time": "⏱ Thời hạn giải quyết:",
        "online": "🌐 Nộp trực tuyến:",
        "online.toan_trinh": "có, toàn trình",
        "online.mot_phan": "có, một phần",
        "online.khong": "chưa hỗ trợ",
        "legal": "⚖️ Căn cứ pháp lý:",
        "source": "🔎 Nguồn: {source} (kiểm tra ngày {date})",
        "suggest": "Tôi chưa chắc Ông/Bà muốn hỏi về nội dung nào. Có phải một trong các nội dung sau không?",
        "suggest.none": "Không phải các nội dung trên",
        "decline": (
            "Xin lỗi Ông/Bà, tôi chưa có thông tin chắc chắn để trả lời câu hỏi này. "
            "Ông/Bà vui lòng gọi đường dây nóng {hotline.commune} (trong giờ hành chính) "
            "hoặc bấm nút bên dưới để chuyển câu hỏi cho cán bộ trả lời."
        ),
        "decline.redirect": "Ông/Bà cần hỗ trợ thêm có thể gọi {hotline.commune}.",
        "decline.empty": "Ông/Bà vui lòng nhập câu hỏi bằng chữ, ví dụ: “làm căn cước ở đâu”.",
        "forward": "📨 Chuyển câu hỏi cho cán bộ",
        "forwarded": (
            "Tôi đã chuyển câu hỏi của Ông/Bà tới cán bộ {office.name}. "
            "Cán bộ sẽ trả lời trong giờ hành chính. Xin cảm ơn Ông/Bà."
        ),
        "forward.nothing": "Không có câu hỏi nào đang chờ chuyển. Ông/Bà vui lòng nhập câu hỏi trước.",
        "rate.up": "👍 Hữu ích",
        "rate.down": "👎 Chưa hữu ích",
        "rated.up": "Cảm ơn Ông/Bà đã đánh giá!",
        "rated.down": (
            "Cảm ơn Ông/Bà đã góp ý. Ông/Bà có thể nhắn ngay câu trả lời còn thiếu điều gì "
            "(không bắt buộc), tôi sẽ chuyển tới cán bộ để hoàn thiện."
        ),
        "rated.comment": "Cảm ơn Ông/Bà, góp ý đã được ghi nhận.",
        "menu.title": "Ông/Bà muốn tìm hiểu về lĩnh vực nào? Chọn một mục hoặc gõ câu hỏi.",
        "menu.group": "Chọn nội dung trong mục “{group}”:",
        "menu.back": "⬅️ Quay lại",
        "menu.home": "🏠 Menu chính",
        "menu.quiz": "🏆 Cuộc thi tìm hiểu CCHC",
        "menu": "📋 Menu",
        "see_also": "Xem thêm",
        "greeting": (
            "Xin chào Ông/Bà! Tôi là trợ lý ảo cải cách hành chính của {commune.name}. "
            "Tôi có thể hướng dẫn thủ tục hành chính, cách nộp hồ sơ trực tuyến, "
            "tiếp nhận phản ánh – kiến nghị và cho biết số đường dây nóng. "
            "Ông/Bà hãy chọn một mục bên dưới hoặc gõ câu hỏi, ví dụ: “làm căn cước ở đâu”."
        ),
        "example_notice": "(Lưu ý: đây là dữ liệu của một xã mẫu để minh họa.)",
        "help": (
            "Cách dùng: gõ câu hỏi bằng tiếng Việt (có dấu hoặc không dấu) hoặc tiếng Anh.\n"
            "/menu – danh mục chủ đề\n/lienhe – địa chỉ và đường dây nóng\n"
            "/phananh – gửi phản ánh, kiến nghị\n/tracuu MÃ – tra cứu phản ánh\n"
            "/dangky – nhận tin cải cách hành chính\n/huydangky – ngừng nhận tin\n"
            "/thi – cuộc thi tìm hiểu cải cách hành chính\n/ngonngu – đổi ngôn ngữ"
        ),
        "subscribed": "Ông/Bà đã đăng ký nhận tin cải cách hành chính. Gõ /huydangky để ngừng nhận.",
        "subscribed.already": "Ông/Bà đã đăng ký nhận tin từ trước. Gõ /huydangky để ngừng nhận.",
        "unsubscribed": "Ông/Bà đã ngừng nhận tin. Gõ /dangky nếu muốn nhận lại.",
        "unsubscribed.already": "Ông/Bà hiện không đăng ký nhận tin. Gõ /dangky để đăng ký.",
        "language.choose": "Chọn ngôn ngữ / Choose your language:",
        "language.set": "Tôi sẽ trả lời Ông/Bà bằng tiếng Việt.",
        "unsupported": (
            "Xin lỗi Ông/Bà, tôi chỉ đọc được tin nhắn chữ. "
            "Ông/Bà vui lòng gõ câu hỏi, hoặc gõ /menu để xem danh mục."
        ),
        "staff": (
            "Để gặp cán bộ, Ông/Bà gọi {hotline.commune} trong giờ hành chính "
            "hoặc đến {one_stop.name}. Ông/Bà cũng có thể bấm nút dưới đây để gửi câu hỏi cho cán bộ."
        ),
        "unknown_command": "Tôi không hiểu lệnh này. Gõ /help để xem các lệnh.",
        "flood": "Ông/Bà gửi tin hơi nhanh, vui lòng đợi vài giây rồi gửi tiếp.",
        "error": "Xin lỗi Ông/Bà, hệ thống đang gặp sự cố. Ông/Bà vui lòng thử lại sau ít phút.",
        "web.too_long": "Tin nhắn của Ông/Bà dài quá {limit} ký tự. Ông/Bà vui lòng viết ngắn hơn hoặc chia thành nhiều tin.",
        "web.bad_request": "Xin lỗi Ông/Bà, tin nhắn gửi lên không đúng định dạng. Ông/Bà vui lòng tải lại trang rồi gửi lại.",
        "web.busy": "Có quá nhiều tin nhắn gửi từ cùng một nơi trong thời gian ngắn. Ông/Bà vui lòng đợi khoảng một phút rồi gửi tiếp.",
        "web.forbidden": "Xin lỗi Ông/Bà, yêu cầu này không được chấp nhận từ trang web đang mở. Ông/Bà vui lòng dùng cửa sổ hỏi đáp trên cổng thông tin của xã.",
        "web.upload_type": "Xin lỗi Ông/Bà, tôi chỉ nhận ảnh JPEG, PNG hoặc tệp PDF.",
        "web.upload_size": "Tệp của Ông/Bà lớn quá {limit} MB. Ông/Bà vui lòng gửi tệp nhỏ hơn.",
        "web.pending": "Tôi đã nhận được tin nhắn và đang xử lý; câu trả lời sẽ hiện ra tại đây trong giây lát.",
        "button.where": "📍 Nơi nộp",
        "button.fee": "💰 Lệ phí",
        "button.time": "⏱ Thời hạn",
        "button.online": "🌐 Nộp trực tuyến",
        "button.full": "📖 Toàn bộ hướng dẫn",
        "legal.short": "⚖️ Căn cứ: {first}.",
        "legal.short.more": "⚖️ Căn cứ: {first} và {more} văn bản khác.",
        "aspect.missing": "Xin lỗi Ông/Bà, hướng dẫn về “{title}” chưa có thông tin riêng về {what}. Dưới đây là hướng dẫn chung:",
        "aspect.name.documents": "hồ sơ cần chuẩn bị",
        "aspect.name.fee": "phí, lệ phí",
        "aspect.name.time": "thời hạn giải quyết",
        "aspect.name.where": "nơi nộp hồ sơ",
        "aspect.name.steps": "các bước thực hiện",
        "aspect.name.online": "việc nộp trực tuyến",
        "aspect.name.legal": "căn cứ pháp lý",
        "aspect.name.who": "người được thực hiện thủ tục",
        "followup.topic": "↪️ Về thủ tục {title}:",
        "followup.topic.info": "↪️ Về “{title}”:",
        "followup.variant": (
            "↪️ Vẫn là trường hợp riêng trên; hướng dẫn chung của thủ tục không áp dụng, "
            "thông tin trợ lý ảo có như sau:"
        ),
        "followup.hint": "Nếu Ông/Bà muốn hỏi về thủ tục khác, xin gõ kèm tên thủ tục, ví dụ: “lệ phí đăng ký kết hôn”.",
        "followup.which": "Ông/Bà muốn hỏi về {what} của thủ tục nào ạ? Xin gõ kèm tên thủ tục (ví dụ: đăng ký khai sinh, chứng thực bản sao) hoặc chọn trong menu.",
        "button.unknown": "Nút này không còn dùng được. Ông/Bà vui lòng chọn lại trong danh mục dưới đây.",
        # small talk (bot/smalltalk.py)
        "smalltalk.thanks": (
            "Dạ, không có gì ạ! Ông/Bà cần hỏi thêm về thủ tục nào cứ nhắn cho trợ lý ảo nhé."
        ),
        "smalltalk.greeting": (
            "Xin chào Ông/Bà! Ông/Bà cần hỏi về thủ tục nào ạ? Ông/Bà có thể gõ câu hỏi, "
            "ví dụ “làm căn cước ở đâu”, hoặc chọn một mục trong menu."
        ),
        "smalltalk.goodbye": (
            "Dạ, chào tạm biệt Ông/Bà! Khi cần, Ông/Bà cứ nhắn cho trợ lý ảo bất cứ lúc nào."
        ),
        "smalltalk.ack": "Dạ vâng ạ. Ông/Bà cần hỏi thêm gì cứ nhắn cho trợ lý ảo nhé.",
        "smalltalk.laugh": "😊 Ông/Bà cần hỏi gì về thủ tục hành chính cứ nhắn cho trợ lý ảo nhé.",
        "smalltalk.emoji": "😊 Ông/Bà cần hỏi gì cứ nhắn cho trợ lý ảo nhé.",
        # a typed number that is not one of the numbered buttons shown
        "choice.range": (
            "Ông/Bà vui lòng chọn một số từ 1 đến {count} trong danh sách bên trên, "
            "hoặc gõ câu hỏi."
        ),
        "choice.one": "Ông/Bà vui lòng gõ số 1 để chọn mục bên trên, hoặc gõ câu hỏi.",
        # a bare number when no numbered choice is waiting (bot/slips.py)
        "choice.none": (
            "Dạ, Ông/Bà vui lòng bấm một mục trong danh sách dưới đây, hoặc gõ câu hỏi bằng lời, "
            "ví dụ: “làm căn cước ở đâu”."
        ),
        # a complaint told in free text (bot/feedback/grievance.py)
        "grievance.offer": (
            "Trợ lý ảo rất tiếc về sự việc Ông/Bà gặp phải. Ông/Bà có muốn gửi nội dung này "
            "thành phản ánh tới {office.name} không? Lời Ông/Bà vừa viết được giữ nguyên làm "
            "nội dung phản ánh (loại: {category}); Ông/Bà có thể sửa trước khi gửi."
        ),
        "grievance.file": "📝 Gửi thành phản ánh",
        "grievance.ask": "❓ Không, tôi muốn hỏi thông tin",
        "grievance.gone": (
            "Nội dung này không còn để gửi. Ông/Bà vui lòng gõ /phananh để gửi phản ánh mới."
        ),
    },
    "en": {
        "documents": "📄 Documents:",
        "button.documents": "📄 Documents",
        "button.steps": "🧭 Steps",
        "button.legal": "⚖️ Legal basis",
        "steps": "🧭 Steps:",
        "where": "📍 Where:",
        "fee": "💰 Fee:",
        "time": "⏱ Processing time:",
        "online": "🌐 Online:",
        "online.toan_trinh": "yes, fully online",
        "online.mot_phan": "yes, partly online",
        "online.khong": "not available",
        "legal": "⚖️ Legal basis:",
        "source": "🔎 Source: {source} (checked {date})",
        "suggest": "I am not sure what you are asking about. Is it one of these?",
        "suggest.none": "None of these",
        "decline": (
            "Sorry, I do not have reliable information to answer that. Please call "
            "{hotline.commune} during office hours, or press the button below to send "
            "your question to our staff."
        ),
        "decline.redirect": "For more help, please call {hotline.commune}.",
        "decline.empty": "Please type your question in words, for example: “where do I get an ID card”.",
        "forward": "📨 Send my question to staff",
        "forwarded": (
            "Your question has been sent to the staff of {office.name}. "
            "They will reply during office hours. Thank you."
        ),
        "forward.nothing": "There is no question waiting to be sent. Please type your question first.",
        "rate.up": "👍 Helpful",
        "rate.down": "👎 Not helpful",
        "rated.up": "Thank you for your rating!",
        "rated.down": (
            "Thank you. If you like, tell me what was missing from the answer and I will pass it "
            "on to our staff."
        ),
        "rated.comment": "Thank you, your comment has been recorded.",
        "menu.title": "Which topic are you interested in? Pick one or type your question.",
        "menu.group": "Choose a topic in “{group}”:",
        "menu.back": "⬅️ Back",
        "menu.home": "🏠 Main menu",
        "menu.quiz": "🏆 Reform knowledge contest",
        "menu": "📋 Menu",
        "see_also": "See also",
        "greeting": (
            "Hello! I am the administrative reform assistant of {commune.name}. I can explain "
            "administrative procedures and online public services, take your feedback and tell "
            "you which hotline to call. Pick a topic below or type a question, for example: "
            "“where do I get an ID card”."
        ),
        "example_notice": "(Note: this is a sample commune's data, for demonstration.)",
        "help": (
            "Type your question in Vietnamese or English.\n/menu – topics\n"
            "/lienhe – address and hotlines\n/phananh – send feedback\n"
            "/tracuu CODE – track your feedback\n/dangky – receive reform news\n"
            "/huydangky – stop news\n/thi – reform knowledge contest\n/ngonngu – change language"
        ),
        "subscribed": "You are subscribed to administrative reform news. Send /huydangky to stop.",
        "subscribed.already": "You were already subscribed. Send /huydangky to stop.",
        "unsubscribed": "You will no longer receive news. Send /dangky to subscribe again.",
        "unsubscribed.already": "You are not subscribed. Send /dangky to subscribe.",
        "language.choose": "Chọn ngôn ngữ / Choose your language:",
        "language.set": "I will answer you in English.",
        "unsupported": "Sorry, I can only read text messages. Please type your question or /menu.",
        "staff": (
            "To talk to a staff member, call {hotline.commune} during office hours or visit "
            "{one_stop.name}. You can also press the button below to send a question to staff."
        ),
        "unknown_command": "I do not know that command. Send /help to see the commands.",
        "flood": "You are sending messages quickly; please wait a few seconds.",
        "error": "Sorry, something went wrong on our side. Please try again in a few minutes.",
        "web.too_long": "Your message is longer than {limit} characters. Please make it shorter or send it in several parts.",
        "web.bad_request": "Sorry, the message could not be read. Please reload the page and send it again.",
        "web.busy": "Too many messages have come from the same place in a short time. Please wait about a minute and try again.",
        "web.forbidden": "Sorry, this request is not accepted from the page you have open. Please use the chat window on the commune's portal.",
        "web.upload_type": "Sorry, only JPEG or PNG photos and PDF files can be sent.",
        "web.upload_size": "Your file is larger than {limit} MB. Please send a smaller one.",
        "web.pending": "I have your message and am working on it; the answer will appear here shortly.",
        "button.where": "📍 Where to apply",
        "button.fee": "💰 Fee",
        "button.time": "⏱ Processing time",
        "button.online": "🌐 Online",
        "button.full": "📖 Full guide",
        "legal.short": "⚖️ Legal basis: {first}.",
        "legal.short.more": "⚖️ Legal basis: {first} and {more} other document(s).",
        "aspect.missing": "Sorry, our guide to “{title}” has no separate information on {what}. Here is the general answer:",
        "aspect.name.documents": "the documents",
        "aspect.name.fee": "the fee",
        "aspect.name.time": "the processing time",
        "aspect.name.where": "where to apply",
        "aspect.name.steps": "the steps",
        "aspect.name.online": "applying online",
        "aspect.name.legal": "the legal basis",
        "aspect.name.who": "who may apply",
        "followup.topic": "↪️ About {title}:",
        "followup.topic.info": "↪️ About “{title}”:",
        "followup.variant": (
            "↪️ Still the special case above; the procedure's general answer does not apply, "
            "so here is what I have on it:"
        ),
        "followup.hint": "If you meant another procedure, please include its name, e.g. “marriage registration fee”.",
        "followup.which": "Which procedure do you mean ({what})? Please include its name (e.g. birth registration, certified copies) or pick it from the menu.",
        "button.unknown": "This button is no longer valid. Please choose again from the menu below.",
        # small talk (bot/smalltalk.py)
        "smalltalk.thanks": "You're welcome! If you have another question, just type it here.",
        "smalltalk.greeting": (
            "Hello! What would you like to ask? Type your question, for example “where do I "
            "apply for an ID card”, or choose a topic from the menu."
        ),
        "smalltalk.goodbye": "Goodbye! Message me any time you need help.",
        "smalltalk.ack": "All right. If you need anything else, just ask.",
        "smalltalk.laugh": "😊 If you have a question about administrative procedures, just ask.",
        "smalltalk.emoji": "😊 If you need anything, just ask.",
        # a typed number that is not one of the numbered buttons shown
        "choice.range": (
            "Please choose a number from 1 to {count} in the list above, or type your question."
        ),
        "choice.one": "Please type 1 to choose the item above, or type your question.",
        "choice.none": (
            "Please choose an item from the list below, or type your question in words, "
            "for example: “where do I get an ID card”."
        ),
        # a complaint told in free text (bot/feedback/grievance.py)
        "grievance.offer": (
            "I am sorry to hear about this. Would you like to send it as feedback to "
            "{office.name}? What you wrote is kept as the description (type: {category}); you "
            "can change it before sending."
        ),
        "grievance.file": "📝 Send as feedback",
        "grievance.ask": "❓ No, I have a question",
        "grievance.gone": (
            "This message can no longer be sent. Please type /feedback to send new feedback."
        ),
    },
}

LANGUAGES: dict[str, str] = {"vi": "Tiếng Việt", "en": "English"}
# Names of languages a commune may add to its knowledge base (answers keyed by these codes).
LANGUAGE_NAMES: dict[str, str] = {**LANGUAGES, "hmn": "Hmông", "tai": "Tiếng Thái", "km": "ខ្មែរ"}


def text(key: str, lang: str, **values: str) -> str:
    """The sentence `key` in `lang` (Vietnamese when not translated), with values filled in.

    Only `{name}` keys given here are filled; dotted locality keys are left for `render.fill`.
    """
    # Languages the UI is not written in (e.g. Hmông added to the KB) fall back to Vietnamese.
    table = TEXTS.get(lang) or TEXTS["vi"]
    template = table.get(key) or TEXTS["vi"][key]
    if not values:
        return template
    return _SIMPLE.sub(lambda m: values.get(m.group(1), m.group(0)), template)
